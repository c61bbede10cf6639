"""The demo desk: fictional people, incidents, trees, letters and media (`make run`)."""
