"""The PySide6 desktop app: views over the services, built and wired by `crisisdesk.app`.

Nothing here holds a business rule: screens call `crisisdesk.services`, long work runs through
`ui.workers`, questions go through `ui.prompts`, and errors a user can fix go to the message bar.
"""
