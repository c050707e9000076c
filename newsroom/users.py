"""Staff as the newsroom names them to each other."""


def display_name(user) -> str:
    """The full name, or the username of an account that has none."""
    return user.get_full_name() or user.get_username()
