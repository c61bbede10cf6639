"""The patient hotline desk: look a caller up, verify them without disclosing anything, say
only what a verified caller may be told, and log every call. Every public function here is
`@agent_allowed`: these are the only services an operator with the `agent` role may use."""
