# Only a test names this snapshot: it is found, marked as a test, and raises no signal.
LEGACY = "gpt-4.1-mini-2025-04-14"
