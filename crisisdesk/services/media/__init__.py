"""The spokesperson's desk: inquiries, the approved answer bank, statements, cadence, the brief."""
