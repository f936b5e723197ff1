"""The outside world: the Bot Framework channel, the service desk and the web chat."""
