"""``y``: predict mode. Before each next step shows, the learner predicts it.

The question covers what would give it away (the step table, the explain pane, the ηeff
strip) and leaves the plot in view. Direction: press the number of the candidate
direction. Value: type one number of the record and press Enter. Either way the truth and
its arithmetic follow; n/→ steps on and asks again. The score is the explorer's, kept
for the session.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar, Protocol

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.widgets import Input, Static

from optiscope.core.errors import OptiscopeError
from optiscope.core.predict import (
    DirectionQuestion,
    Form,
    Score,
    ValueQuestion,
    Verdict,
    direction_question,
    mark,
    value_question,
)

from ..bindings import PREDICTING, bindings
from ..explorer.snapshot import RunShown, Shown
from ..widgets.predict_panel import direction_text, header, value_text
from .covering import Area, CoveringModal

#: Characters a typed number may have (the one number rule then checks the whole).
NUMBER_CHARS = r"[0-9eE+\-.]*"
#: How often a question waits for the runs to be computed that far (seconds).
WAIT = 0.05


class NumberBox(Input):
    """The box a value is typed in. Enter marks it at once, in the order keys arrived
    (Input's own Submitted message would be handled only after the keys behind it)."""

    def __init__(self, mark_typed: Callable[[str], None], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._mark_typed = mark_typed

    async def action_submit(self) -> None:
        self._mark_typed(self.value)


class PredictHost(Protocol):
    """What predict mode asks of the explorer."""

    predict_score: Score

    def snapshot(self) -> Shown: ...
    def predict_step(self) -> None: ...
    def predict_focus(self, delta: int) -> None: ...


class PredictScreen(CoveringModal[None]):
    DEFAULT_CSS = """
    PredictScreen #typed { width: 40; margin: 0 0 0 7; }
    PredictScreen #typed.-hidden { display: none; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [*bindings(PREDICTING)]

    def __init__(
        self,
        host: PredictHost,
        area: Area,
        form: Form = "direction",
        name: str = "",
        prompt: str = "",
    ) -> None:
        super().__init__(area)
        #: A lesson's words for its question, shown with the first question only.
        self._prompt = prompt
        self.host = host
        self.form: Form = form
        #: The number the next value question asks (a lesson's); empty: a seeded pick.
        self._ask_name = name
        self._run: RunShown | None = None
        self._direction: DirectionQuestion | None = None
        self._value: ValueQuestion | None = None
        self._chosen: int | None = None
        self._verdict: Verdict | None = None
        self._note = ""

    def compose_cover(self) -> ComposeResult:
        yield Static(id="head")
        yield Static(id="question")
        yield NumberBox(
            self.submit,
            placeholder="a number, then Enter",
            restrict=NUMBER_CHARS,
            max_length=32,
            compact=True,
            id="typed",
        )

    def on_mount(self) -> None:
        super().on_mount()
        self.ask()

    # -- asking ----------------------------------------------------------------------------
    @property
    def question(self) -> DirectionQuestion | ValueQuestion | None:
        """The question on screen (None while computing, or where none can be asked)."""
        return self._direction if self._direction is not None else self._value

    @property
    def answered(self) -> bool:
        return self._chosen is not None or self._verdict is not None

    def ask(self) -> None:
        """A question about the focused run's update at the step shown (once computed)."""
        if not self.is_attached:
            return
        shown = self.host.snapshot()
        if shown.computing is not None:
            self.query_one("#question", Static).update(Text("computing…", "dim"))
            self.set_timer(WAIT, self.ask)
            return
        run = self._run = shown.focused_run
        self._direction = self._value = None
        self._chosen = self._verdict = None
        self._note = ""
        stopped = run.index < shown.step  # it diverged before: no step to predict
        if stopped:
            self._note = f"{run.label} stopped at step {run.index}: o asks about another run."
        elif self.form == "direction":
            self._direction = direction_question(run.trajectory, run.index, run.label)
            if self._direction is None:
                self._note = "Every candidate points the same way here (or nowhere): a number."
                self.form = "value"
        if self.form == "value" and not stopped:
            try:
                self._value = value_question(run.trajectory, run.index, self._ask_name, run.label)
            except OptiscopeError as exc:
                self._note = str(exc)
        self._ask_name = ""
        self._show()

    def _show(self, error: str = "") -> None:
        run = self._run
        if run is None:
            return
        self.query_one("#head", Static).update(
            header(run.label, run.marker, run.color, run.index, self.host.predict_score)
        )
        body = Text()
        if self._prompt:
            body.append(self._prompt + "\n", "italic")
        if self._note:
            body.append(self._note + "\n", "italic")
        if self._direction is not None:
            body.append_text(direction_text(self._direction, _coords(run), self._chosen))
        elif self._value is not None:
            body.append_text(value_text(self._value, self._verdict, error))
        self.query_one("#question", Static).update(body)
        typed = self.query_one("#typed", Input)
        typing = self._value is not None and self._verdict is None
        typed.set_class(not typing, "-hidden")
        typed.disabled = not typing
        if typing:
            self.set_focus(typed)
        else:
            self.set_focus(None)
        self.refresh_bindings()

    # -- answering -------------------------------------------------------------------------
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "answer":
            q = self._direction
            if q is None or self.answered:
                return False
            return int(str(parameters[0])) <= len(q.candidates)
        if action == "switch_form":
            return not self.answered
        if action == "next_question":
            # While a number is being typed, → moves the box's cursor: no skipping then.
            return self.answered or self._value is None
        return True

    def action_answer(self, k: int) -> None:
        q = self._direction
        if q is None or self.answered or not 1 <= k <= len(q.candidates):
            return
        self._chosen = k
        self._score(k == q.answer)

    def submit(self, typed: str) -> None:
        """Mark what was typed (one line of error, unscored, if it is not a number)."""
        q = self._value
        if q is None or self.answered:
            return
        try:
            self._verdict = mark(q, typed)
        except OptiscopeError as exc:
            self._show(error=str(exc))
            return
        self._score(self._verdict.right)

    def _score(self, right: bool) -> None:
        self.host.predict_score = self.host.predict_score.add(right)
        self._show()

    # -- moving on -------------------------------------------------------------------------
    def action_next_question(self) -> None:
        self._prompt = ""
        self.query_one("#typed", Input).value = ""
        self.host.predict_step()
        self.ask()

    def action_switch_form(self) -> None:
        if self.answered:
            return
        self.form = "value" if self.form == "direction" else "direction"
        self.ask()

    def action_focus_next(self) -> None:
        self._prompt = ""
        self.host.predict_focus(1)
        self.ask()


def _coords(run: RunShown) -> tuple[str, str]:
    x, y = run.trajectory.surface.coords
    return x, y
