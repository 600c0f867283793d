"""Disclosure control policies as data: data_catalog/policies/<name>.yaml.

A policy is a named, versioned set of rules with parameters. Every ProtectedTable records the
policy name and version that produced it. Policies are validated on load; a malformed file is
rejected with one line naming the file, the key and what is wrong.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path

import jsonschema
import yaml

from explorer.errors import ExplorerError
from explorer.formats import schema_record
from explorer.paths import catalog_dir

_NUMBER = {"type": "number"}
_COUNT = {"type": "integer", "minimum": 1}
_FRACTION = {"type": "number", "exclusiveMinimum": 0, "maximum": 1}


POLICY_SCHEMA = {
    "type": "object",
    "additionalProperties": False,
    "required": ["name", "version", "description", "rules"],
    "properties": {
        "name": {"type": "string", "pattern": "^[a-z][a-z0-9_]*$"},
        "version": {"type": "string"},
        "description": {"type": "string"},
        "rules": {
            "type": "object",
            "additionalProperties": False,
            "required": ["frequency_threshold", "zeros", "secondary_suppression", "rate_reliability",
                         "denominator_rounding"],
            "properties": {
                "frequency_threshold": schema_record({"threshold": _COUNT}),
                "zeros": schema_record({"disclosive": {"type": "boolean"}}),
                "dominance_nk": schema_record({"n": _COUNT, "k": _FRACTION}),
                "p_percent": schema_record({"p": _FRACTION}),
                "secondary_suppression": schema_record({
                    "enabled": {"type": "boolean"},
                    "protection_level": {"type": "number", "minimum": 0},
                    "margin_cost_factor": {"type": "number", "minimum": 1},
                }),
                "rate_reliability": schema_record({"hide_below": {"type": "integer", "minimum": 0},
                                                   "flag_below": {"type": "integer", "minimum": 0}}),
                "output_perturbation": schema_record({
                    "method": {"enum": ["cell_key", "rounding"]},
                    "ptable": {"type": "string"},
                    "max_noise": {"type": "integer", "minimum": 0},
                    "variance": {"type": "number", "minimum": 0},
                    "js": {"type": "integer", "minimum": 0},
                    "rounding_base": {"type": "integer", "minimum": 2},
                }, required=["method"]),
                "denominator_rounding": schema_record({"base": _COUNT}),
            },
        },
    },
}


@dataclass(frozen=True)
class Policy:
    """One audience's disclosure control rules (see data_catalog/policies/*.yaml)."""

    name: str
    version: str
    description: str
    threshold: int
    zeros_disclosive: bool
    secondary_enabled: bool
    protection_level: float
    margin_cost_factor: float
    rate_hide_below: int
    rate_flag_below: int
    nk_n: int = 2
    nk_k: float = 0.9
    p_percent: float = 0.1
    perturbation: str | None = None  # None, "cell_key" or "rounding"
    ptable: str = "ptable_10_5.csv"
    max_noise: int = 0               # the p-table's largest |perturbation| (cell key method)
    ptable_variance: float = 0.0
    js: int = 0                      # no perturbed value in 1..js-1
    rounding_base: int = 5
    denominator_base: int = 1        # shown person-years and persons are rounded to this base

    @property
    def perturbed(self) -> bool:
        """Whether shown counts are perturbed by the cell key method (consistent across every
        table a user can ask for), as flexible outputs are."""
        return self.perturbation == "cell_key"

    @property
    def label(self) -> str:
        return f"{self.name} v{self.version}"

    def with_threshold(self, threshold: int) -> "Policy":
        """The same policy with a custom frequency threshold (the review page's switcher)."""
        if int(threshold) < 1:
            raise ExplorerError("a frequency threshold must be a whole number of at least 1")
        return dataclasses.replace(self, name=f"{self.name}_custom", threshold=int(threshold),
                                   version=f"{self.version}+threshold{int(threshold)}")


def policies_dir() -> Path:
    return catalog_dir() / "policies"


def available_policies() -> list[str]:
    return sorted(path.stem for path in policies_dir().glob("*.yaml"))


def load_policy(name: str) -> Policy:
    """The policy ``data_catalog/policies/<name>.yaml``, validated."""
    if name not in available_policies():
        raise ExplorerError(f"unknown disclosure control policy {name!r}; "
                            f"choose from: {', '.join(available_policies())}")
    return load_policy_file(policies_dir() / f"{name}.yaml")


def load_policy_file(path: Path) -> Policy:
    """Load and validate one policy file."""
    path = Path(path)
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise ExplorerError(f"{path}: cannot read policy file ({error.strerror})") from None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" line {mark.line + 1}" if mark else ""
        raise ExplorerError(f"{path}:{where}: not valid YAML") from None
    validator = jsonschema.Draft202012Validator(POLICY_SCHEMA)
    problem = next(iter(sorted(validator.iter_errors(raw), key=lambda e: list(e.path))), None)
    if problem is not None:
        key = ".".join(str(part) for part in problem.absolute_path) or "(top level)"
        raise ExplorerError(f"{path}: {key}: {problem.message}")
    rules = raw["rules"]
    if rules["rate_reliability"]["flag_below"] < rules["rate_reliability"]["hide_below"]:
        raise ExplorerError(f"{path}: rules.rate_reliability: flag_below must not be less than hide_below")
    perturbation = rules.get("output_perturbation", {})
    if perturbation.get("method") == "cell_key":
        missing = [key for key in ("ptable", "max_noise", "variance", "js") if key not in perturbation]
        if missing:
            raise ExplorerError(f"{path}: rules.output_perturbation: the cell key method needs "
                                f"{', '.join(missing)} (the p-table and the parameters it was made with)")
    return Policy(
        name=raw["name"], version=str(raw["version"]), description=raw["description"].strip(),
        threshold=rules["frequency_threshold"]["threshold"],
        zeros_disclosive=rules["zeros"]["disclosive"],
        secondary_enabled=rules["secondary_suppression"]["enabled"],
        protection_level=float(rules["secondary_suppression"]["protection_level"]),
        margin_cost_factor=float(rules["secondary_suppression"]["margin_cost_factor"]),
        rate_hide_below=rules["rate_reliability"]["hide_below"],
        rate_flag_below=rules["rate_reliability"]["flag_below"],
        nk_n=rules.get("dominance_nk", {}).get("n", 2),
        nk_k=rules.get("dominance_nk", {}).get("k", 0.9),
        p_percent=rules.get("p_percent", {}).get("p", 0.1),
        perturbation=perturbation.get("method"),
        ptable=perturbation.get("ptable", "ptable_10_5.csv"),
        max_noise=perturbation.get("max_noise", 0),
        ptable_variance=float(perturbation.get("variance", 0.0)),
        js=perturbation.get("js", 0),
        rounding_base=perturbation.get("rounding_base", 5),
        denominator_base=rules["denominator_rounding"]["base"],
    )
