"""argparse in Chinese: ``ChineseArgumentParser`` speaks Chinese in help, usage and errors.

argparse looks its own texts up through the module-level names ``argparse._`` and
``argparse.ngettext`` (``from gettext import gettext as _, ngettext``) at the moment it uses
them, in every version from 3.11 on. Installing a catalogue for a text domain would not reach
them (argparse asks the process-wide default domain), so the parser swaps those two names for
Chinese look-ups while it builds, parses, formats or reports, and puts them back afterwards.
The catalogue below holds every message id of argparse 3.11–3.14 that a user can see; an id it
does not know stays English, which ``tests/cli/test_cli_chinese.py`` would show.
"""

from __future__ import annotations

import argparse
import functools
import re
import threading
import unicodedata
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, NoReturn

MESSAGES: dict[str, str] = {
    "usage: ": "用法：",
    "positional arguments": "位置参数",
    "options": "选项",
    "optional arguments": "选项",  # before 3.10
    "subcommands": "命令",
    "show this help message and exit": "显示本帮助并退出",
    "%(prog)s: error: %(message)s\n": "%(prog)s：错误：%(message)s\n",
    "argument %(argument_name)s: %(message)s": "参数 %(argument_name)s：%(message)s",
    "the following arguments are required: %s": "缺少必需的参数：%s",
    "one of the arguments %s is required": "以下参数须给出其中一个：%s",
    "not allowed with argument %s": "不能与参数 %s 同时使用",
    "unrecognized arguments: %s": "无法识别的参数：%s",
    "expected one argument": "后面须跟一个值",
    "expected at most one argument": "后面最多跟一个值",
    "expected at least one argument": "后面至少跟一个值",
    "ignored explicit argument %r": "不接受值 %r",
    "ambiguous option: %(option)s could match %(matches)s": (
        "选项 %(option)s 不明确，可能是：%(matches)s"
    ),
    "invalid %(type)s value: %(value)r": "无效的值：%(value)r",
    "invalid choice: %(value)r (choose from %(choices)s)": (
        "无效的选择：%(value)r（可选：%(choices)s）"
    ),
    "invalid choice: %(value)r, maybe you meant %(closest)r? (choose from %(choices)s)": (
        "无效的选择：%(value)r，是不是 %(closest)r？（可选：%(choices)s）"
    ),
    "unknown parser %(parser_name)r (choices: %(choices)s)": (
        "没有命令 %(parser_name)r（可选：%(choices)s）"
    ),
    "unexpected option string: %s": "意外的选项：%s",
    "command '%(parser_name)s' is deprecated": "命令 %(parser_name)s 已不再使用",
    "option '%(option)s' is deprecated": "选项 %(option)s 已不再使用",
    "argument '%(argument_name)s' is deprecated": "参数 %(argument_name)s 已不再使用",
}
PLURALS: dict[str, str] = {
    "expected %s argument": "后面须跟 %s 个值",
    "expected %s arguments": "后面须跟 %s 个值",
    "conflicting option string: %s": "选项重复：%s",
    "conflicting option strings: %s": "选项重复：%s",
}


def translate(message: Any) -> Any:
    """argparse's ``_``: the Chinese text of one of its messages (others unchanged)."""
    return MESSAGES.get(message, message) if isinstance(message, str) else message


def translate_plural(singular: str, plural: str, n: int) -> str:
    """argparse's ``ngettext``; Chinese has one form for every count."""
    text = singular if n == 1 else plural
    return PLURALS.get(text, text)


_LOCK = threading.RLock()
_depth = 0
_saved: tuple[Any, Any] = (None, None)


@contextmanager
def chinese() -> Iterator[None]:
    """While inside, argparse's own texts are Chinese (re-entrant; one thread at a time)."""
    global _depth, _saved
    with _LOCK:
        if _depth == 0:
            _saved = (argparse._, argparse.ngettext)  # type: ignore[attr-defined]
            argparse._ = translate  # type: ignore[attr-defined]
            argparse.ngettext = translate_plural  # type: ignore[attr-defined]
        _depth += 1
        try:
            yield
        finally:
            _depth -= 1
            if _depth == 0:
                argparse._, argparse.ngettext = _saved  # type: ignore[attr-defined]


def _in_chinese(method: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(method)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        with chinese():
            return method(*args, **kwargs)

    return wrapper


def display_width(text: str) -> int:
    """Columns a terminal gives ``text``: two for a wide (Chinese) character, one otherwise."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


_TOKEN_RE = re.compile(r"[!-~]+|\s+|.")  # an ASCII word, a run of spaces, or one other character


def wrap(text: str, width: int) -> list[str]:
    """Lines of at most ``width`` columns: Chinese may break between any two characters,
    an ASCII word (an option, a path) only at its ends."""
    lines: list[str] = []
    line, used = "", 0
    tokens = []
    for token in _TOKEN_RE.findall(" ".join(text.split())):
        # A word wider than a whole line (a long path) is cut into line-sized pieces.
        tokens += [token[i : i + width] for i in range(0, len(token), max(width, 1))]
    for token in tokens:
        w = display_width(token)
        if used + w > width and line.strip():
            lines.append(line.rstrip())
            line, used = "", 0
            if token.isspace():
                continue
        line += token
        used += w
    if line.strip():
        lines.append(line.rstrip())
    return lines


class ChineseHelpFormatter(argparse.HelpFormatter):
    """Aligns and wraps help by display width (a Chinese character takes two columns), and
    lists a command group's commands without repeating its name."""

    def __init__(self, prog: str, **kwargs: Any) -> None:
        kwargs.setdefault("max_help_position", 30)
        super().__init__(prog, **kwargs)

    def _split_lines(self, text: str, width: int) -> list[str]:
        return wrap(text, width)

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        return "\n".join(indent + line for line in wrap(text, width))

    def _format_usage(self, usage: Any, actions: Any, groups: Any, prefix: Any) -> str:
        # argparse wraps the usage by len(); narrow its width until the display width fits.
        width = self._width
        try:
            while True:
                text = super()._format_usage(usage, actions, groups, prefix)
                lines = text.splitlines()
                if self._width <= 20 or all(display_width(x) <= width for x in lines):
                    return text
                self._width -= 4
        finally:
            self._width = width

    def add_argument(self, action: argparse.Action) -> None:
        if action.help is argparse.SUPPRESS:
            return
        headers = [self._format_action_invocation(action)]
        headers += [
            self._format_action_invocation(a) for a in self._iter_indented_subactions(action)
        ]
        longest = max(display_width(h) for h in headers) + self._current_indent
        self._action_max_length = max(self._action_max_length, longest)
        self._add_item(self._format_action, [action])

    def _format_action(self, action: argparse.Action) -> str:
        if isinstance(action, argparse._SubParsersAction) and not action.help:
            # The commands themselves, one per line, not the group's metavar above them.
            return self._join_parts([self._format_action(a) for a in action._get_subactions()])
        help_position = min(self._action_max_length + 2, self._max_help_position)
        help_width = max(self._width - help_position, 11)
        action_width = help_position - self._current_indent - 2
        header = self._format_action_invocation(action)
        indent = " " * self._current_indent
        help_lines = wrap(self._expand_help(action), help_width) if action.help else []
        if not help_lines:
            parts = [f"{indent}{header}\n"]
        elif display_width(header) <= action_width:
            pad = " " * (action_width - display_width(header) + 2)
            parts = [f"{indent}{header}{pad}{help_lines[0]}\n"]
            help_lines = help_lines[1:]
        else:
            parts = [f"{indent}{header}\n"]
        parts += [f"{' ' * help_position}{line}\n" for line in help_lines]
        parts += [self._format_action(a) for a in self._iter_indented_subactions(action)]
        return self._join_parts(parts)


class ChineseArgumentParser(argparse.ArgumentParser):
    """An ``ArgumentParser`` whose every text (help, usage, errors) is Chinese."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", ChineseHelpFormatter)
        with chinese():
            super().__init__(*args, **kwargs)

    add_subparsers = _in_chinese(argparse.ArgumentParser.add_subparsers)
    parse_known_args = _in_chinese(argparse.ArgumentParser.parse_known_args)
    parse_args = _in_chinese(argparse.ArgumentParser.parse_args)  # "unrecognized arguments"
    format_usage = _in_chinese(argparse.ArgumentParser.format_usage)
    format_help = _in_chinese(argparse.ArgumentParser.format_help)

    def error(self, message: str) -> NoReturn:
        """Usage and one Chinese line on stderr, exit 2 (as argparse does)."""
        with chinese():
            super().error(message)
