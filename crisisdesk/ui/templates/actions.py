"""The lifecycle buttons under the editor: save, submit, send back, approve, retire, issue.

Each button calls one service function in a worker (approval re-runs every check, which may
take longer than a frame). The buttons follow the operator's role and the version's status so
people see what they may do, but the services decide: a refusal (PermissionDenied, a failed
check) comes back as a UserError and is shown in the message bar. An approval that needs
warnings acknowledged asks through `ui/prompts.py` and is retried with the acknowledgement.

The approval policy is shown beside the buttons: four-eyes by default (Approve is disabled on a
version you drafted or submitted), or single-person approval with the admin's reason. Admins
change it with "Approval policy…" (a reason is asked for and recorded).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QWidget

from crisisdesk.domain.operators import Role
from crisisdesk.domain.templates import Status, TemplateVersion
from crisisdesk.services import templates as template_service
from crisisdesk.services.session import Session
from crisisdesk.ui.context import UiContext
from crisisdesk.ui.templates.editor import TemplateEditor
from crisisdesk.ui.workers import Job, in_thread_session


class TemplateActions(QWidget):
    """`done(key)` after a successful action; `issue_requested(key)` for the Issue dialog."""

    done = Signal(str)
    issue_requested = Signal(str)

    def __init__(self, ctx: UiContext, editor: TemplateEditor,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.editor = editor
        self.busy = False
        self.approved_version: int | None = None
        self.last_job: Job | None = None
        self.save_button = QPushButton("&Save draft", self)
        self.submit_button = QPushButton("Su&bmit for review", self)
        self.send_back_button = QPushButton("Send &back…", self)
        self.approve_button = QPushButton("&Approve", self)
        self.retire_button = QPushButton("&Retire…", self)
        self.issue_button = QPushButton("&Issue message…", self)
        self.policy_button = QPushButton("Approval &policy…", self)
        self.policy_label = QLabel(self)
        self.policy_label.setAccessibleName("Approval policy")
        self.policy_label.setWordWrap(True)
        self.policy = template_service.ApprovalPolicy()
        self.policy_button.clicked.connect(self.change_policy)
        self.save_button.clicked.connect(self.save)
        self.submit_button.clicked.connect(self.submit)
        self.send_back_button.clicked.connect(self.send_back)
        self.approve_button.clicked.connect(lambda: self.approve())
        self.retire_button.clicked.connect(self.retire)
        self.issue_button.clicked.connect(self._issue)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        for button in (self.save_button, self.submit_button, self.send_back_button,
                       self.approve_button, self.retire_button):
            layout.addWidget(button)
        layout.addStretch(1)
        layout.addWidget(self.policy_label, 2)
        layout.addWidget(self.policy_button)
        layout.addWidget(self.issue_button)
        editor.state_changed.connect(self.update_buttons)
        self.update_buttons()

    # -- state ------------------------------------------------------------------------------
    @property
    def is_approver(self) -> bool:
        session = self.ctx.state.current
        return session is not None and session.operator.role.rank >= Role.APPROVER.rank

    def update_buttons(self) -> None:
        version = self.editor.version
        status = version.status if version else None
        dirty, report = self.editor.dirty, self.editor.report
        ready = version is not None and not self.busy
        approver = self.is_approver
        self.save_button.setEnabled(ready and dirty)
        errors = report is None or not report.ok
        self.submit_button.setEnabled(ready and (dirty or status is Status.DRAFT) and not errors)
        if self.editor.has_syntax_error:
            self.submit_button.setToolTip("Fix the syntax error first")
        elif report is None:
            self.submit_button.setToolTip("Checking…")
        elif errors:
            self.submit_button.setToolTip("Fix the errors the checks found first")
        else:
            self.submit_button.setToolTip("Save and send this version to an approver")
        review = ready and status is Status.IN_REVIEW and not dirty
        session = self.ctx.state.current
        own = (version is not None and session is not None
               and session.operator.name in {version.created_by, version.submitted_by})
        four_eyes = own and not self.policy.single_person
        self.approve_button.setEnabled(review and approver and not four_eyes)
        self.send_back_button.setEnabled(review and approver)
        self.retire_button.setEnabled(ready and approver and status is not Status.RETIRED)
        only = "" if approver else " (approvers only)"
        self.approve_button.setToolTip(
            "You drafted or submitted this version: another approver must approve it"
            if four_eyes else "Approve this version for use" + only)
        admin = session is not None and session.operator.role is Role.ADMIN
        self.policy_button.setEnabled(admin and not self.busy)
        self.policy_button.setToolTip("Allow single-person approval for a small team, or go "
                                      "back to four-eyes" + ("" if admin else " (admins only)"))
        self.send_back_button.setToolTip("Return this version to draft with a note" + only)
        self.retire_button.setToolTip("Take the version in use out of use" + only)
        self.issue_button.setEnabled(not self.busy and self.approved_version is not None)
        self.issue_button.setToolTip(
            f"Fill in approved version {self.approved_version} and log it"
            if self.approved_version else "Only an approved version can be issued")

    def refresh_policy(self) -> None:
        """Read the desk's approval policy (one small read) and show it."""
        session = self.ctx.state.current
        self.policy = (template_service.approval_policy(session) if session is not None
                       else template_service.ApprovalPolicy())
        self.policy_label.setText(self.policy.describe() if session is not None else "")
        self.update_buttons()

    def change_policy(self) -> Job | None:
        if self.busy or self.ctx.state.current is None:
            return None
        if self.policy.single_person:
            if not self.ctx.prompts.confirm(
                    self, "Approval policy", "Go back to four-eyes approval? Whoever drafted "
                    "or submitted a version will no longer be able to approve it.",
                    ok_label="Use four-eyes"):
                return None
            single, reason = False, ""
        else:
            answer = self.ctx.prompts.ask_text(
                self, "Allow single-person approval",
                "Why does this organisation need one person to draft and approve? The reason "
                "is recorded in the audit log and on each version approved that way:")
            if answer is None:
                return None
            single, reason = True, answer

        def finished(policy: template_service.ApprovalPolicy) -> None:
            self.busy = False
            self.ctx.messages.show_info(policy.describe())
            self.refresh_policy()

        return self._start(lambda s: template_service.set_approval_policy(
            s, single_person=single, reason=reason), "approval policy", finished)

    # -- actions ----------------------------------------------------------------------------
    def _key(self) -> str:
        version = self.editor.version
        assert version is not None
        return version.meta.key

    def _run(self, work: Callable[[Session], TemplateVersion], message: Callable[[Any], str],
             on_failed: Callable[[BaseException], bool] | None = None) -> Job | None:
        if self.editor.version is None or self.busy:
            return None
        key = self._key()

        def finished(result: Any) -> None:
            self.busy = False
            self.ctx.messages.show_info(message(result))
            self.ctx.state.notify_changed()
            self.done.emit(key)

        return self._start(work, "template action", finished, on_failed)

    def _start(self, work: Callable[[Session], Any], name: str,
               finished: Callable[[Any], None],
               on_failed: Callable[[BaseException], bool] | None = None) -> Job:
        """Run `work` off the GUI thread with the buttons held until it ends; a failure frees
        them and is shown, unless `on_failed` says it dealt with it."""
        self.busy = True
        self.update_buttons()

        def failed(err: BaseException) -> None:
            self.busy = False
            self.update_buttons()
            if on_failed is None or not on_failed(err):
                self.ctx.show_error(err)

        job = Job(in_thread_session(self.ctx.session, lambda s, **_: work(s)), name=name)
        job.finished.connect(finished)
        job.failed.connect(failed)
        self.last_job = job
        self.ctx.runner.start(job)
        return job

    def _save_work(self) -> Callable[[Session], TemplateVersion]:
        """The save, with the text and variables read now (workers never touch widgets)."""
        key, body, meta = self._key(), self.editor.body, self.editor.edited_meta()
        return lambda session: template_service.save_draft(session, key, body, meta=meta)

    def save(self) -> None:
        self._run(self._save_work(), lambda v: f"Saved {v.meta.key} version {v.version} "
                  "as a draft.")

    def submit(self) -> None:
        key = self._key()
        save = self._save_work() if self.editor.dirty else None

        def work(session: Session) -> TemplateVersion:
            number = save(session).version if save is not None else None
            return template_service.submit(session, key, number)

        self._run(work, lambda v: f"Submitted {v.meta.key} version {v.version} for review.")

    def send_back(self) -> None:
        reason = self.ctx.prompts.ask_text(self, "Send back to draft",
                                           "What should the author change?")
        if reason is None:
            return
        key, number = self._key(), self._number()
        self._run(lambda s: template_service.send_back(s, key, number, reason=reason),
                  lambda v: f"Sent {v.meta.key} version {v.version} back to draft.")

    def approve(self, acknowledge: bool = False) -> None:
        key, number = self._key(), self._number()
        self.editor.checks.clear_refusal()

        def refused(err: BaseException) -> bool:
            if isinstance(err, template_service.ApprovalRefused):
                self.editor.checks.show_refusal("Approval refused:", err.findings)
                self.ctx.messages.show_user_error(err)
                return True
            if isinstance(err, template_service.NeedsAcknowledgement):
                text = "\n".join(f"• {w}" for w in err.warnings)
                if self.ctx.prompts.confirm(
                        self, "Acknowledge warnings",
                        f"The checks warn about {key} version {number}:\n\n{text}\n\n"
                        "Approve anyway? The warnings are recorded with your approval.",
                        ok_label="Acknowledge and approve"):
                    self.approve(acknowledge=True)
                return True
            return False

        self._run(lambda s: template_service.approve(s, key, number,
                                                     acknowledge_warnings=acknowledge),
                  lambda v: f"Approved {v.meta.key} version {v.version}; it is now the "
                  "version in use.", refused)

    def retire(self) -> None:
        key = self._key()
        which = (f"approved version {self.approved_version}" if self.approved_version
                 else f"version {self._number()}")
        reason = self.ctx.prompts.ask_text(self, "Retire template",
                                           f"Retire {key} {which}? It can no longer be "
                                           "used. Reason:")
        if reason is None:
            return
        self._run(lambda s: template_service.retire(s, key, reason=reason),
                  lambda v: f"Retired {v.meta.key} version {v.version}.")

    def _number(self) -> int:
        version = self.editor.version
        assert version is not None
        return version.version

    def _issue(self) -> None:
        if self.editor.version is not None:
            self.issue_requested.emit(self._key())
