"""The PySide6 desktop app: views over the services, built and wired by `crisisdesk.app`.

Nothing here holds a business rule: screens call `crisisdesk.services`, long work runs through
`ui.workers`, questions go through `ui.prompts`, and errors a user can fix go to the message bar.
"""

import PySide6  # noqa: F401  (loaded by every module here anyway)

from crisisdesk.pyside_import_scan import skip_source_scan

skip_source_scan()  # the modules below are imported after PySide6: spare them its source scan
