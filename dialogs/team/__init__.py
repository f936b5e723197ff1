"""Välfärdsteknikteamet's chat commands: the team's notifications, its list of orders, and handling."""
