"""Test support: real databases and real loopback servers standing in for outside systems."""
