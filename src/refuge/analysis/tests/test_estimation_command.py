"""`refuge estimate`: output formats and exit code 2 on bad input (no database needed)."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

LINCOLN_PETERSEN_CSV = "A,B,count\n1,1,30\n1,0,70\n0,1,45\n"
THREE_LISTS_CSV = (
    "A,B,C,count\n1,1,1,8\n1,1,0,20\n1,0,1,15\n0,1,1,12\n1,0,0,60\n0,1,0,50\n0,0,1,40\n"
)


def _write(tmp_path: Path, text: str, name: str = "lists.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


# Short latent-class runs: these tests are about the log-linear side and the output.
QUICK = ("--iterations", "400", "--burn-in", "100", "--thin", "2", "--chains", "2")


def _run(*arguments: str) -> str:
    out = io.StringIO()
    call_command("estimate", *arguments, stdout=out)
    return out.getvalue()


def test_json_output_parses_and_has_the_interface_fields(tmp_path: Path) -> None:
    output = json.loads(
        _run(str(_write(tmp_path, THREE_LISTS_CSV)), "--json", "--method", "loglinear", *QUICK)
    )

    assert {"estimate", "ci_low", "ci_high", "model", "observed"} <= output.keys()
    assert output["observed"] == 205
    assert output["ci_low"] < output["estimate"] < output["ci_high"]
    assert output["criterion"] == "bic"
    assert output["interval_method"].startswith("profile likelihood")
    assert isinstance(output["alternatives"], list)
    assert {"model", "estimate", "ci_low", "ci_high", "ic", "delta_ic"} <= output["alternatives"][
        0
    ].keys()
    assert "log-linear" in output["method"]


def test_two_lists_json_gives_lincoln_petersen(tmp_path: Path) -> None:
    output = json.loads(_run(str(_write(tmp_path, LINCOLN_PETERSEN_CSV)), "--json"))

    assert output["estimate"] == 250.0
    assert output["model"] == "main effects only (independence)"
    assert output["warnings"]


def test_text_output_names_the_estimate_interval_and_model(tmp_path: Path) -> None:
    output = _run(str(_write(tmp_path, LINCOLN_PETERSEN_CSV)))

    assert "Estimated population: 250 (95% interval" in output
    assert "Observed on at least one list: 145" in output
    assert "Warning (log-linear): only two lists" in output
    assert (
        "No estimate (latent classes): latent-class estimation needs at least three lists" in output
    )


def test_named_model_and_criterion_options(tmp_path: Path) -> None:
    path = str(_write(tmp_path, THREE_LISTS_CSV))

    saturated = json.loads(
        _run(path, "--json", "--model", "A:B,A:C,B:C", "--method", "loglinear", *QUICK)
    )
    independence = json.loads(
        _run(
            path,
            "--json",
            "--model",
            "independence",
            "--criterion",
            "aic",
            "--method",
            "loglinear",
            *QUICK,
        )
    )

    assert saturated["estimate"] == pytest.approx(205 + 8 * 60 * 50 * 40 / (20 * 15 * 12), abs=0.05)
    assert independence["model_terms"] == []
    assert independence["criterion"] == "aic"


def test_stratified_json_lists_each_stratum(tmp_path: Path) -> None:
    text = "stratum,A,B,count\n" + "".join(
        f"{stratum},{line}\n"
        for stratum in ("north", "south")
        for line in ("1,1,30", "1,0,70", "0,1,45")
    )

    output = json.loads(_run(str(_write(tmp_path, text)), "--json"))

    assert [stratum["stratum"] for stratum in output["strata"]] == ["north", "south"]
    assert output["estimate"] == 500.0
    assert output["ci_low"] < 500 < output["ci_high"]


def test_unbounded_interval_is_null_in_json(tmp_path: Path) -> None:
    # One person on both lists: the upper bound runs past 1,000 times the observed count.
    output = json.loads(
        _run(str(_write(tmp_path, "A,B,count\n1,1,1\n1,0,400\n0,1,300\n")), "--json")
    )

    assert output["ci_high"] is None
    assert any("no upper bound" in warning for warning in output["warnings"])


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("A,count\n1,5\n", "only one list"),
        ("A,B,total\n1,0,5\n", "no 'count' column"),
        ("A,B,count\n1,x,5\n", "is not 0 or 1"),
        ("A,B,count\n1,0,-1\n", "whole non-negative"),
        ("A,B,count\n1,0,5\n1,0,5\n", "repeats the capture pattern"),
        ("A,B,count\n0,0,5\n1,0,5\n", "all-zero pattern"),
        ("", "empty"),
        ("A,B,count\n1,0,60\n0,1,50\n", "no log-linear model"),
    ],
)
def test_bad_input_exits_with_code_2_and_a_clear_message(
    tmp_path: Path, text: str, message: str
) -> None:
    with pytest.raises(CommandError, match=message) as raised:
        _run(str(_write(tmp_path, text)))

    assert raised.value.returncode == 2


@pytest.mark.parametrize(
    ("name", "message"), [("missing.csv", "no such file"), ("lists\x00.csv", "not a file name")]
)
def test_unreadable_file_names_exit_with_code_2(tmp_path: Path, name: str, message: str) -> None:
    with pytest.raises(CommandError, match=message) as raised:
        _run(str(tmp_path / name))
    assert raised.value.returncode == 2


def test_undeclared_encoding_exits_with_code_2(tmp_path: Path) -> None:
    path = tmp_path / "cp1251.csv"
    path.write_bytes("МВД,Мемориал,count\n1,1,4\n1,0,9\n0,1,6\n".encode("cp1251"))

    with pytest.raises(CommandError, match="--encoding cp1251") as raised:
        _run(str(path))
    assert raised.value.returncode == 2
    assert json.loads(_run(str(path), "--json", "--encoding", "cp1251"))["lists"] == [
        "МВД",
        "Мемориал",
    ]


def test_command_line_prints_the_error_without_a_traceback(tmp_path: Path) -> None:
    path = _write(tmp_path, "A,count\n1,5\n")
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": os.environ.get(
            "DJANGO_SETTINGS_MODULE", "refuge.config.settings.test"
        ),
    }

    completed = subprocess.run(
        [sys.executable, "-m", "django", "estimate", str(path)],
        capture_output=True,
        text=True,
        env=environment,
        check=False,
        timeout=600,
    )

    assert completed.returncode == 2
    assert "only one list" in completed.stderr
    assert "Traceback" not in completed.stderr


FOUR_LISTS_CSV = (
    "A,B,C,D,count\n1,0,0,0,60\n0,1,0,0,50\n0,0,1,0,40\n0,0,0,1,45\n1,1,0,0,20\n1,0,1,0,15\n"
    "0,1,1,0,12\n0,0,1,1,10\n1,1,1,0,8\n1,1,1,1,3\n"
)
CONVERGING = (
    "--iterations",
    "4000",
    "--burn-in",
    "500",
    "--thin",
    "2",
    "--chains",
    "3",
    "--max-classes",
    "5",
    "--seed",
    "7",
)


def test_both_methods_side_by_side_in_json_with_the_latent_class_diagnostics(
    tmp_path: Path,
) -> None:
    output = json.loads(_run(str(_write(tmp_path, FOUR_LISTS_CSV)), "--json", *CONVERGING))

    assert output["method_requested"] == "auto"
    lcmcr, loglinear = output["lcmcr"], output["loglinear"]
    assert loglinear["model"].startswith("main effects")
    diagnostics = lcmcr["diagnostics"]
    assert {"rhat", "ess_bulk", "ess_tail", "chains", "draws_per_chain", "problems"} <= (
        diagnostics.keys()
    )
    assert diagnostics["chains"] == 3
    assert diagnostics["draws_per_chain"] == 2000
    assert lcmcr["seed"] == 7
    assert lcmcr["settings"]["max_classes"] == 5
    assert "assumptions" in lcmcr
    assert "assumptions" in loglinear
    if diagnostics["converged"]:
        assert output["method_used"] == "lcmcr"
        assert output["estimate"] == lcmcr["estimate"]
        assert lcmcr["ci_low"] < lcmcr["estimate"] < lcmcr["ci_high"]
        assert lcmcr["observed"] == output["observed"] == 263
    else:  # the rule falls back and says why
        assert output["method_used"] == "loglinear"
        assert output["method_choice"]["code"] == "auto_loglinear_unconverged"


def test_the_same_seed_repeats_the_latent_class_run(tmp_path: Path) -> None:
    path = str(_write(tmp_path, FOUR_LISTS_CSV))

    first = json.loads(_run_lenient(path, "--json", "--method", "lcmcr", *QUICK, "--seed", "3"))
    again = json.loads(_run_lenient(path, "--json", "--method", "lcmcr", *QUICK, "--seed", "3"))

    assert first["lcmcr"]["diagnostics"] == again["lcmcr"]["diagnostics"]
    assert first["lcmcr"]["estimate"] == again["lcmcr"]["estimate"]


def _run_lenient(*arguments: str) -> str:
    """Run the command and return its output even when it exits with 3 (no estimate)."""
    out = io.StringIO()
    try:
        call_command("estimate", *arguments, stdout=out)
    except CommandError as error:
        if error.returncode != 3:
            raise
    return out.getvalue()


def test_unconverged_latent_classes_asked_for_by_name_give_no_figure_and_exit_3(
    tmp_path: Path,
) -> None:
    path = str(_write(tmp_path, FOUR_LISTS_CSV))
    out = io.StringIO()
    arguments = (
        "--method",
        "lcmcr",
        "--iterations",
        "40",
        "--thin",
        "1",
        "--burn-in",
        "0",
        "--seed",
        "1",
    )

    with pytest.raises(CommandError, match="did not converge") as raised:
        call_command("estimate", path, *arguments, stdout=out)

    assert raised.value.returncode == 3
    text = out.getvalue()
    assert text.startswith("No estimate can be given")
    assert "NOT CONVERGED (latent classes)" in text
    assert "log-linear" in text  # the other method is still shown, for comparison
    output = json.loads(_run_lenient(path, "--json", *arguments))
    assert output["estimate"] is None
    assert output["method_used"] is None
    assert output["lcmcr"]["estimate"] is None
    assert output["loglinear"]["estimate"] > 263


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (("--chains", "1"), "2 to 16 chains"),
        (("--iterations", "10", "--thin", "5"), "at least 4 draws"),
        (("--iterations", "99999999999"), "at most 2,000,000"),
    ],
)
def test_sampler_settings_out_of_bounds_exit_2(
    tmp_path: Path, arguments: tuple[str, ...], message: str
) -> None:
    with pytest.raises(CommandError, match=message) as raised:
        _run(str(_write(tmp_path, FOUR_LISTS_CSV)), *arguments)
    assert raised.value.returncode == 2


def test_a_sampler_option_that_is_not_a_number_is_a_usage_error(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="not a whole number"):
        _run(str(_write(tmp_path, FOUR_LISTS_CSV)), "--iterations", "-5")


FIFTEEN_LISTS_HEADER = ",".join(f"L{index}" for index in range(15)) + ",count\n"


def _fifteen_lists_csv() -> str:
    """A 15-list table: 3,000 people, a third of them easy to find (0.3) and the rest hard."""
    rng = np.random.default_rng(15)
    rows = rng.random((3_000, 15)) < np.where(rng.random((3_000, 1)) < 0.3, 0.3, 0.05)
    rows = rows[rows.any(axis=1)].astype(int)
    patterns, counts = np.unique(rows, axis=0, return_counts=True)
    return FIFTEEN_LISTS_HEADER + "".join(
        ",".join(map(str, pattern)) + f",{count}\n"
        for pattern, count in zip(patterns, counts, strict=True)
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("A,B,C,count\n1,1,1,40\n", r"same capture pattern \(111\)"),
        ("A,B,C,count\n1,0,0,40\n0,1,0,30\n0,0,1,20\n", "no one is on more than one list"),
        ("A,B,C,count\n1,0,0,-4\n0,1,0,30\n1,1,0,20\n", "whole non-negative"),
        ("A,B,C,count\n1,0,0,4.5\n0,1,0,30\n1,1,0,20\n", "whole non-negative"),
    ],
)
def test_latent_classes_asked_for_on_a_table_they_cannot_use_exit_2_with_the_reason(
    tmp_path: Path, text: str, message: str
) -> None:
    with pytest.raises(CommandError, match=message) as raised:
        _run(str(_write(tmp_path, text)), "--method", "lcmcr", *QUICK, "--seed", "1")
    assert raised.value.returncode == 2


def test_a_list_that_holds_no_one_is_left_out_of_both_methods_with_a_warning(
    tmp_path: Path,
) -> None:
    # FOUR_LISTS_CSV without the people on list D: D is a column of zeros.
    rows = [line for line in FOUR_LISTS_CSV.splitlines()[1:] if line.split(",")[3] != "1"]
    text = "A,B,C,D,count\n" + "\n".join(rows) + "\n"

    output = json.loads(
        _run_lenient(str(_write(tmp_path, text)), "--json", "--method", "lcmcr", *QUICK)
    )

    assert output["lcmcr"]["lists"] == ["A", "B", "C"]
    assert "list D has no one on it and is left out" in output["lcmcr"]["warnings"]
    assert any("only three lists" in warning for warning in output["lcmcr"]["warnings"])
    assert output["loglinear"]["estimate"] > output["observed"] == 205


def test_fifteen_lists_finish_with_the_reasons_not_a_hang(tmp_path: Path) -> None:
    path = str(_write(tmp_path, _fifteen_lists_csv()))
    started = time.monotonic()

    output = json.loads(_run_lenient(path, "--json", "--method", "lcmcr", *QUICK, "--seed", "1"))

    assert time.monotonic() - started < 120
    assert output["observed"] == 2_052
    assert "limited to 10 lists" in output["loglinear"]["error"]
    assert any(
        "15 lists: 954 of the 32767 possible capture patterns" in warning
        for warning in output["lcmcr"]["warnings"]
    )


def test_strata_with_latent_classes_sum_the_draws_of_the_strata(tmp_path: Path) -> None:
    """Two identical strata: summing independent draws gives a narrower interval than adding
    the strata's bounds (which a sum of point estimates and their intervals would give)."""
    rows = FOUR_LISTS_CSV.splitlines()[1:]
    text = "stratum,A,B,C,D,count\n" + "".join(
        f"{stratum},{row}\n" for stratum in ("north", "south") for row in rows
    )

    output = json.loads(
        _run(str(_write(tmp_path, text)), "--json", "--method", "lcmcr", *CONVERGING)
    )

    lcmcr = output["lcmcr"]
    assert output["method_used"] == "lcmcr"
    assert lcmcr["diagnostics"]["converged"]
    north, south = lcmcr["strata"]
    assert (north["stratum"], south["stratum"]) == ("north", "south")
    assert north["observed"] == south["observed"] == 263
    assert lcmcr["observed"] == 526
    assert north["estimate"] != south["estimate"] or north["ci_high"] != south["ci_high"]
    assert north["ci_low"] + south["ci_low"] < lcmcr["ci_low"] < lcmcr["estimate"]
    assert lcmcr["estimate"] < lcmcr["ci_high"] < north["ci_high"] + south["ci_high"]
    assert (
        abs(lcmcr["estimate"] - (north["estimate"] + south["estimate"]))
        < 0.05 * (lcmcr["estimate"])
    )
