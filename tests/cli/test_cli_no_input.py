"""A password or passphrase asked where nothing can be typed (a scheduled task, a script with
its input closed): one Chinese line naming the environment variables, exit 2. It was a Python
traceback in English (getpass's EOFError)."""

from __future__ import annotations

import getpass

import pytest

from ylt_desktop.cli import main


def _no_input(prompt: str = "") -> str:
    raise EOFError


@pytest.mark.sqlite_only("a database file and its users")
@pytest.mark.parametrize(
    ("argv", "env"),
    [
        (["check", "--quarter", "2026Q3"], "YLT_PASSWORD"),
        (["package", "passphrase"], "YLT_EXCHANGE_PASSPHRASE"),
        # The new 管理员's password is YLT_NEW_PASSWORD's (the line named only YLT_PASSWORD,
        # which add-admin does not read: a member clerk set it and was told the same again).
        (["users", "add-admin", "--name", "clerk1"], "YLT_NEW_PASSWORD"),
    ],
)
def test_a_prompt_with_no_input_is_one_chinese_line(
    demo_path,
    capsys,
    monkeypatch,
    argv,
    env,  # noqa: ANN001
) -> None:
    monkeypatch.setattr(getpass, "getpass", _no_input)
    monkeypatch.setenv("YLT_USER", "admin")
    monkeypatch.delenv("YLT_PASSWORD", raising=False)
    monkeypatch.delenv("YLT_EXCHANGE_PASSPHRASE", raising=False)
    monkeypatch.delenv("YLT_NEW_PASSWORD", raising=False)
    if env != "YLT_PASSWORD":
        monkeypatch.setenv("YLT_PASSWORD", "admin-demo")
    exit_code = main([*argv, "--db", str(demo_path)])
    err = capsys.readouterr().err
    assert exit_code == 2, err
    errors = [line for line in err.splitlines() if line.startswith("错误\t")]
    assert len(errors) == 1, err
    assert env in errors[0] and "Traceback" not in err, err
