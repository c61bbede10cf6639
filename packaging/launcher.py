"""The bundle's entry point: the same `main` the `crisisdesk` command runs.

Template work runs in a 'spawn' worker process (services/template_process.py). In a frozen
app that worker is this same executable started with multiprocessing's own arguments, and
`freeze_support()` must see them first: it runs the worker and exits, instead of the CLI
refusing the unknown options.
"""

import multiprocessing

if __name__ == "__main__":
    multiprocessing.freeze_support()
    from crisisdesk.cli import main

    main()
