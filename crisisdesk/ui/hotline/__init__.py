"""The patient hotline page: look up, verify, answer from the letter, log the call."""
