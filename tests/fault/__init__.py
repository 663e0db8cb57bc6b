"""Fault tests and hostile input: server kills, dropped connections, database trouble."""
