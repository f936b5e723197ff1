"""An order after filing: changes, cancellation, pauses, messages and questions both ways, its history."""
