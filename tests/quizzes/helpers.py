"""Building posted answers from an attempt's own snapshots, as a student would."""

from quizzes.models import Response

SHORT_TEXT = "Both say the reading room was full in the afternoon."


def correct_fields(response: Response) -> dict[str, list[str]]:
    """The form fields that answer this question fully right."""
    key, slot = response.answer_key, response.slot
    match response.kind:
        case "single_choice" | "multiple_choice":
            return {f"q{slot}": list(key["correct"])}
        case "true_false":
            return {f"q{slot}": ["true" if key["correct"] else "false"]}
        case "ordering":
            return {
                f"q{slot}-{item}": [str(position)]
                for position, item in enumerate(key["order"], start=1)
            }
        case "matching":
            return {f"q{slot}-{row}": [option] for row, option in key["pairs"].items()}
        case "claim_evidence":
            return {f"q{slot}-{i}": [verdict] for i, verdict in key["verdicts"].items()}
        case "short_answer":
            return {f"q{slot}": [SHORT_TEXT]}
    raise AssertionError(response.kind)


def wrong_fields(response: Response) -> dict[str, list[str]]:
    """Fields that answer this question and earn nothing (short answers: blank)."""
    key, shown, slot = response.answer_key, response.shown, response.slot
    match response.kind:
        case "single_choice" | "multiple_choice":
            wrong = [o["id"] for o in shown["options"] if o["id"] not in key["correct"]]
            return {f"q{slot}": wrong[:1]}
        case "true_false":
            return {f"q{slot}": ["false" if key["correct"] else "true"]}
        case "ordering":
            order = key["order"][1:] + key["order"][:1]  # nothing in its place
            return {f"q{slot}-{item}": [str(n)] for n, item in enumerate(order, 1)}
        case "matching":
            rows = list(key["pairs"])
            options = [key["pairs"][r] for r in rows]
            shifted = options[1:] + options[:1]
            return {f"q{slot}-{r}": [o] for r, o in zip(rows, shifted, strict=True)}
        case "claim_evidence":
            flip = {"supports": "contradicts", "contradicts": "supports"}
            return {
                f"q{slot}-{i}": [flip.get(v, "supports")]
                for i, v in key["verdicts"].items()
            }
        case "short_answer":
            return {f"q{slot}": [""]}
    raise AssertionError(response.kind)


def answers_post(responses, fields_for=correct_fields) -> dict[str, list[str]]:
    """A full-page post: every question's version and the answers from `fields_for`."""
    data: dict[str, list[str]] = {}
    for response in responses:
        data[f"v{response.slot}"] = [str(response.version)]
        data.update(fields_for(response))
    return data


def one_question_post(response: Response, fields: dict[str, list[str]], version=None):
    """What the autosave script sends for one question."""
    return {
        f"v{response.slot}": [str(response.version if version is None else version)]
    } | fields
