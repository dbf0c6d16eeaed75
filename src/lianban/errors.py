"""Domain errors carry a stable code and a message for the user, in the user's language."""


class DomainError(Exception):
    """A rule of the domain refused the request; nothing was changed."""

    code = "domain_error"
    status = 400

    def __init__(self, message, *, code: str | None = None, field: str | None = None):
        super().__init__(str(message))
        self.message = message
        if code:
            self.code = code
        self.field = field


class NotFound(DomainError):
    """Also raised for objects that exist but are not the user's, so existence does not leak."""

    code = "not_found"
    status = 404


class Conflict(DomainError):
    code = "conflict"
    status = 409


class PermissionDenied(DomainError):
    code = "forbidden"
    status = 403
