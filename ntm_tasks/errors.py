"""Domain errors: services raise them, views turn them into messages and the API into 4xx JSON."""
from flask_babel import gettext as _


class DomainError(Exception):
    status = 422
    code = "invalid"

    def __init__(self, message: str, fields: dict[str, str] | None = None):
        super().__init__(message)
        self.message = message
        self.fields = fields or {}


class Invalid(DomainError):
    """A field value breaks a rule (422)."""


class Forbidden(DomainError):
    status = 403
    code = "forbidden"


class NotFound(DomainError):
    status = 404
    code = "not_found"


class Conflict(DomainError):
    """A stale version, or a transition not allowed from the current status (409)."""

    status = 409
    code = "conflict"


class TooLarge(DomainError):
    status = 413
    code = "too_large"


class UnsupportedType(DomainError):
    status = 415
    code = "unsupported_type"


# What a page shows as a message on the page it returns to; Forbidden and NotFound answer with their error pages.
REFUSALS = (Invalid, Conflict, TooLarge, UnsupportedType)


def check_version(obj, version: int | None) -> None:
    """Refuse a change made against a version the client no longer holds."""
    if version is None:
        raise Invalid(_("Thiếu version."), {"version": _("Bắt buộc.")})
    if int(version) != obj.version:
        raise Conflict(
            _("Dữ liệu đã được người khác thay đổi; hãy tải lại."),
            {"version": _("Phiên bản hiện tại là %(version)s.", version=obj.version)},
        )
