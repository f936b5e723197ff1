"""The service desk (Lindesk): tickets by e-mail or REST, chosen by TICKET_SYSTEM, and its events back."""
