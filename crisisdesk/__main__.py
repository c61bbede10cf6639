"""`python -m crisisdesk` behaves exactly like the `crisisdesk` command."""

from crisisdesk.cli import main

if __name__ == "__main__":
    main()
