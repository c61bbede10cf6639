"""The Regulators page: the breach risk assessment, the HHS report and the filings."""
