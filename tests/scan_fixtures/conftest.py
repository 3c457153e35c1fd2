"""The folders here are sample projects for the scanner to read, not tests to run.

``python_app/tests/test_chat.py`` imports a package that is deliberately not installed; pytest must
never collect it.
"""

collect_ignore_glob = ["*"]
