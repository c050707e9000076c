"""Date and time formats of our own (FORMAT_MODULE_PATH), over Django's for the language."""
