"""One exception hierarchy; each class carries its HTTP status and machine-readable code."""

from __future__ import annotations

from typing import Any, ClassVar


class SportelloError(Exception):
    status: ClassVar[int] = 400
    code: ClassVar[str] = "bad_request"

    def __init__(self, message: str, **details: Any) -> None:
        super().__init__(message)
        self.message = message
        self.details = details

    def to_dict(self) -> dict[str, Any]:
        body: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.details:
            body["details"] = self.details
        return body


class ValidationFailedError(SportelloError):
    status = 422
    code = "invalid_input"


def field_error(field: str, message: str) -> ValidationFailedError:
    """``invalid_input`` naming the field, shaped like the request validator's ``problems``."""
    return ValidationFailedError(
        f"{field}: {message}", problems=[{"field": field, "code": "invalid", "message": message}]
    )


class UnknownPlaceholderError(SportelloError):
    status = 422
    code = "unknown_placeholder"


class FileTooLargeError(SportelloError):
    status = 413
    code = "file_too_large"


class UploadBudgetError(SportelloError):
    status = 413
    code = "upload_budget_exceeded"


class FileEmptyError(SportelloError):
    status = 422
    code = "file_empty"


class FileTypeRefusedError(SportelloError):
    status = 415
    code = "file_type_refused"


class FileInvalidError(SportelloError):
    status = 422
    code = "file_invalid"


class RangeNotSatisfiableError(SportelloError):
    status = 416
    code = "range_not_satisfiable"


class MethodNotAllowedError(SportelloError):
    status = 405
    code = "method_not_allowed"


class InternalError(SportelloError):
    status = 500
    code = "internal"


class MalformedFrameError(SportelloError):
    status = 400
    code = "malformed_frame"


class UnknownFrameError(SportelloError):
    status = 400
    code = "unknown_frame_type"


class TextTooLongError(SportelloError):
    status = 413
    code = "text_too_long"


class NotAuthenticatedError(SportelloError):
    status = 401
    code = "not_authenticated"


class InvalidCredentialsError(SportelloError):
    status = 401
    code = "invalid_credentials"


class AccountLockedError(SportelloError):
    status = 429
    code = "account_locked"


class RateLimitedError(SportelloError):
    status = 429
    code = "rate_limited"


class ApiTokenRevokedError(SportelloError):
    status = 401
    code = "api_token_revoked"


class ApiTokenExpiredError(SportelloError):
    status = 401
    code = "api_token_expired"


class TokenExpiredError(SportelloError):
    status = 401
    code = "token_expired"


class HandoffRefusedError(SportelloError):
    """A handoff code that is forged, past its minute, already used or for an ended contact."""

    status = 410
    code = "handoff_refused"


class ForbiddenError(SportelloError):
    status = 403
    code = "forbidden"


class AccountDisabledError(ForbiddenError):
    code = "account_disabled"


class TokenScopeError(ForbiddenError):
    """An API token used where none of its scopes reaches (or where no token may go)."""

    code = "token_scope"


class NotSupervisingError(ForbiddenError):
    """Joining or taking over a contact of a service the reader does not supervise."""

    code = "not_supervising"


class NotHandlingVisitorError(ForbiddenError):
    """Opening a visitor's earlier contact without handling that visitor now."""

    code = "not_handling_visitor"


class OriginRejectedError(SportelloError):
    status = 403
    code = "origin_rejected"


class RedirectRefusedError(SportelloError):
    status = 422
    code = "redirect_refused"


class WebhookUrlRefusedError(SportelloError):
    """A webhook URL that is not http(s), or names an address on this side of the internet
    while ``SPORTELLO_WEBHOOKS_ALLOW_PRIVATE`` is off."""

    status = 422
    code = "webhook_url_refused"


class CsrfRejectedError(SportelloError):
    status = 403
    code = "csrf_rejected"


class NotFoundError(SportelloError):
    status = 404
    code = "not_found"


class ConflictError(SportelloError):
    status = 409
    code = "conflict"


class AlreadyTakenError(ConflictError):
    code = "already_taken"


class ContactNotPendingError(ConflictError):
    code = "contact_not_pending"


class ContactClosedError(ConflictError):
    code = "contact_closed"


class ContactNotInProgressError(ConflictError):
    """A whisper needs an agent to whisper to: the contact is waiting or has ended."""

    code = "contact_not_in_progress"


class ContactNotEndedError(ConflictError):
    code = "contact_not_ended"


class NotEligibleError(ConflictError):
    code = "not_eligible"


class AtLimitError(ConflictError):
    code = "at_limit"


class ContactQueuedError(ConflictError):
    """The contact waits in its service's queue for an agent with room: not takeable yet."""

    code = "contact_queued"


class ContactsInProgressError(ConflictError):
    code = "contacts_in_progress"


class NothingWaitingError(ConflictError):
    code = "nothing_waiting"


class TransferPendingError(ConflictError):
    code = "transfer_pending"


class NotTransferableError(ConflictError):
    code = "not_transferable"


class NoTransferPendingError(ConflictError):
    code = "no_transfer_pending"


class DuplicateError(ConflictError):
    code = "duplicate"


class TagInUseError(ConflictError):
    code = "tag_in_use"


class OwnAccountError(ConflictError):
    code = "own_account"


class AlreadyJoinedError(ConflictError):
    code = "already_joined"


class NotJoinedError(ConflictError):
    code = "not_joined"


class HolderChangedError(ConflictError):
    """The contact changed hands since the supervisor saw it (another take-over, a transfer)."""

    code = "holder_changed"


class AlreadyDoneError(ConflictError):
    code = "already_done"


class NotDoneError(ConflictError):
    code = "not_done"


class AlreadyRatedError(ConflictError):
    code = "already_rated"


class TranscriptAlreadyRequestedError(ConflictError):
    code = "transcript_already_requested"


class ResyncRequiredError(SportelloError):
    status = 410
    code = "resync_required"


class ServiceUnavailableError(SportelloError):
    status = 403
    code = "service_unavailable"


class ServiceClosedError(SportelloError):
    """Outside the service's opening hours: nothing is created."""

    status = 403
    code = "service_closed"


class TranslationUnavailableError(ConflictError):
    code = "translation_unavailable"


class TranslationFailedError(SportelloError):
    """The engine could not translate now (busy, timed out, failed): ``details.reason`` is
    the engine's code (as in a message's failed translation)."""

    status = 503
    code = "translation_failed"


class CallInProgressError(ConflictError):
    code = "call_in_progress"


class NoCallError(ConflictError):
    code = "no_call"


class CallMoveRefusedError(ConflictError):
    code = "call_move_refused"


class MediumUnavailableError(ConflictError):
    code = "medium_unavailable"


class OverloadedError(SportelloError):
    """More contact requests than this process admits at once (web/admission.py)."""

    status = 503
    code = "overloaded"


class WriteConflictError(SportelloError):
    """The database ended this write to break a lock cycle with another (PostgreSQL's
    deadlock or serialization failure): nothing of it stands, and the same request sent
    again (same client id) goes through."""

    status = 503
    code = "write_conflict"


class ClientGoneError(SportelloError):
    """The client hung up before its request was carried out: nothing is done for it."""

    status = 499
    code = "client_gone"
