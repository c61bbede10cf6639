"""The kill harness: a writer process doing a realistic mix of desk actions, killed with
SIGKILL at random points, and the checks that prove nothing it acknowledged was lost.

`make soak` runs it at length (scripts/soak.py); tests/e2e/test_kill_harness.py runs a few
kill points in the ordinary test run.
"""
