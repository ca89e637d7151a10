"""``F``: type your own surface f(x, y), or start from an example, with an optional domain.

The text goes to the whitelist parser (numbers, x, y, + - * / ** ^, parentheses and a fixed
set of functions), never to eval; what it refuses is shown under the box, and the explorer
keeps its surface until a formula is accepted.
"""

from __future__ import annotations

import importlib
import threading
from collections.abc import Callable
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from optiscope.core.surfaces.formula_names import ALLOWED_TEXT

from .modal import OnceModal


def _load_parser() -> None:
    importlib.import_module("optiscope.core.surfaces.formula_parser")


#: Text limit of the formula box: the parser refuses longer input anyway (400 characters).
MAX_FORMULA_CHARS = 400

#: Starting points worth typing: what each one shows a learner.
EXAMPLES: tuple[tuple[str, str, str], ...] = (
    ("x**2 + 10*sin(y)", "-3,3,-3,3", "bowl in x, waves in y: which trough?"),
    ("(1 - x)**2 + 100*(y - x**2)**2", "-2,2,-1,3", "Rosenbrock typed out: same steps"),
    ("0.1*x**2 + 10*y**2", "-3,3,-3,3", "κ = 100: GD zig-zags, RMSprop not"),
    ("x**2 - y**2", "-2,2,-2,2", "a saddle: who escapes along y?"),
    ("abs(x) + y**2", "-2,2,-2,2", "no gradient at x = 0: a kink"),
    ("(x**2 + y - 11)**2 + (x + y**2 - 7)**2", "-5,5,-5,5", "Himmelblau: four minima"),
    ("log(x) + y**2", "0.05,3,-2,2", "log(x < 0) is undefined: a run stops"),
)


class FormulaScreen(OnceModal[bool]):
    """Dismisses with True once ``apply(formula, domain)`` accepted the text (returns None)."""

    DEFAULT_CSS = """
    FormulaScreen { align: center middle; }
    FormulaScreen > Vertical {
        width: 92; max-width: 100%; height: auto; max-height: 95%;
        border: round $accent; background: $surface; padding: 0 1;
    }
    FormulaScreen Horizontal { height: auto; }
    FormulaScreen Horizontal Label { width: 10; }
    FormulaScreen Horizontal { margin-top: 1; }
    FormulaScreen Input { width: 1fr; }
    FormulaScreen OptionList { height: auto; max-height: 9; }
    FormulaScreen .hint { color: $text-muted; }
    FormulaScreen .error { color: $error; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "dismiss(False)", "Cancel", id="cancel-formula")
    ]

    def __init__(
        self, apply: Callable[[str, str], str | None], formula: str = "", domain: str = ""
    ) -> None:
        super().__init__()
        self.apply = apply
        self.formula = formula
        self.domain = domain

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label("Your own surface: type f(x, y) and press Enter")
            with Horizontal():
                yield Label("f(x, y) =")
                yield Input(
                    self.formula,
                    placeholder="e.g. x**2 + 10*sin(y)",
                    max_length=MAX_FORMULA_CHARS,
                    compact=True,
                    id="formula-input",
                )
            with Horizontal():
                yield Label("domain")
                yield Input(
                    self.domain,
                    placeholder="xlo,xhi,ylo,yhi (default -3,3,-3,3)",
                    max_length=120,
                    compact=True,
                    id="domain-input",
                )
            yield Static(
                f"Allowed: numbers, + - * / ** ^, parentheses and {ALLOWED_TEXT}. "
                "∇f is sympy's exact derivative.",
                classes="hint",
            )
            yield Label("", classes="error", id="formula-error", markup=False)
            yield Label("Or start from an example (Enter copies it into the boxes):")
            yield OptionList(
                *[
                    Option(Text.assemble((f"{text:<42}", "bold"), why), id=str(i))
                    for i, (text, _domain, why) in enumerate(EXAMPLES)
                ],
                id="formula-examples",
            )
            yield Static("Tab moves between the boxes · Esc cancels", classes="hint")

    def on_mount(self) -> None:
        # Now, not on the next idle: keys typed right after F belong in the box.
        self.focus_now("#formula-input")
        # sympy loads while the learner types, so Enter does not wait ~0.4 s for it.
        threading.Thread(target=_load_parser, name="load-sympy", daemon=True).start()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        text, domain, _why = EXAMPLES[int(event.option.id or 0)]
        self.query_one("#formula-input", Input).value = text
        self.query_one("#domain-input", Input).value = domain
        self.query_one("#formula-error", Label).update("")
        self.query_one("#formula-input", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        formula = self.query_one("#formula-input", Input).value
        domain = self.query_one("#domain-input", Input).value
        if not formula.strip():
            self._show("type a formula first, e.g. x**2 + 10*sin(y)")
            return
        message = self.apply(formula, domain)
        if message is None:
            self.dismiss(True)
        else:
            self._show(message)

    def _show(self, message: str) -> None:
        self.query_one("#formula-error", Label).update(message)
