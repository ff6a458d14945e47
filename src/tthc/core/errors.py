"""One family of errors for rules the user can break.

Services raise these; views show `message` next to the field, the API answers
`{"detail": message, "code": code, "field": field}` with `status` (a 4xx).
"""


class ApplicationError(Exception):
    status = 400
    code = "invalid"

    def __init__(self, message: str, *, code: str | None = None, field: str | None = None):
        super().__init__(message)
        self.message = message
        if code:
            self.code = code
        self.field = field


class ValidationError(ApplicationError):
    status = 422
    code = "invalid"


class PermissionDenied(ApplicationError):
    status = 403
    code = "permission_denied"


class NotFound(ApplicationError):
    status = 404
    code = "not_found"


class Conflict(ApplicationError):
    status = 409
    code = "conflict"
