"""The data CrisisDesk ships: templates, rules, role catalogue, wording lists and fonts.

This folder sits at the top of the source tree and the build installs it as the package
`crisisdesk.resources` (see `[tool.setuptools.package-dir]` in pyproject.toml). Code never
locates it by hand: `crisisdesk.paths.shipped()` is the one accessor.
"""
