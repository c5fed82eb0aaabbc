"""The error every bad input raises: below the parameters, so that writing a file (``paths``) can raise it too."""

__all__ = ["InputError"]


class InputError(ValueError):
    """Any input the estimator cannot use: a bad value, an unknown preset, an unreadable file.

    Its message is meant for the user as it is: one line naming the problem.
    """
