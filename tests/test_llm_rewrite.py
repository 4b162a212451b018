"""The optional LLM back-end: a fake model registered through llm's plugin mechanism proves a
faithful rewrite is used and one that drops a citation or alters a quote is rejected."""

from __future__ import annotations

import json
import re

import llm
import pytest

from company_research.errors import UsageError
from company_research.llm_rewrite import SYSTEM_PROMPT, check_rewrite
from company_research.present import personalise, source_texts
from company_research.render import render_brief, validate_brief
from company_research.settings import Settings

SEEN: list[dict[str, str]] = []


def _data(prompt: str) -> dict:
    return json.loads(prompt.split("<data>", 1)[1].rsplit("</data>", 1)[0])


def _faithful(data: dict) -> dict:
    for item in data["talking_points"] + data["questions"]:
        item["text"] = "Put simply: " + item["text"]  # keeps the trailing [n] marker
    return data


def _drops_citation(data: dict) -> dict:
    data["questions"][0]["text"] = re.sub(r"\s*\[\d+\]", "", data["questions"][0]["text"])
    return data


def _alters_quote(data: dict) -> dict:
    data["talking_points"][0]["evidence"] = data["talking_points"][0]["evidence"].upper()
    return data


def _fenced_faithful(data: dict) -> str:
    return "```json\n" + json.dumps(_faithful(data)) + "\n```"


BEHAVIOURS = {
    "fake-faithful": _faithful,
    "fake-drops-citation": _drops_citation,
    "fake-alters-quote": _alters_quote,
    "fake-fenced": _fenced_faithful,
}


class FakeModel(llm.Model):
    can_stream = False

    def __init__(self, model_id: str) -> None:
        self.model_id = model_id

    def execute(self, prompt, stream, response, conversation):
        SEEN.append({"prompt": prompt.prompt, "system": prompt.system or ""})
        if self.model_id == "fake-broken":
            raise RuntimeError("the model server is down")
        out = BEHAVIOURS[self.model_id](_data(prompt.prompt))
        yield out if isinstance(out, str) else json.dumps(out)


class FakePlugin:
    @llm.hookimpl
    def register_models(self, register):
        for model_id in [*BEHAVIOURS, "fake-broken"]:
            register(FakeModel(model_id))


@pytest.fixture(scope="module", autouse=True)
def fake_models():
    llm.plugins.pm.register(FakePlugin(), name="company-research-fake-models")
    yield
    llm.plugins.pm.unregister(name="company-research-fake-models")


@pytest.fixture
def stored(researched):
    settings = Settings(db_path=researched["_db"]["path"])
    return researched["harborlight.io"], settings


def test_a_faithful_rewrite_is_used_and_still_cited(stored):
    brief, settings = stored
    rewritten, notes = personalise(brief, settings, llm_model="fake-faithful")
    assert notes == []
    validate_brief(rewritten)
    for before, after in zip(brief["talking_points"], rewritten["talking_points"], strict=True):
        assert after["text"] == "Put simply: " + before["text"]
        assert after["evidence"] == before["evidence"] and after["source"] == before["source"]
    assert all(q["text"].startswith("Put simply: ") for q in rewritten["questions"])
    assert any("reworded by fake-faithful" in n for n in rewritten["notices"])
    assert "Put simply:" in render_brief(rewritten, "md")


def test_a_rewrite_in_a_code_fence_is_read(stored):
    brief, settings = stored
    rewritten, notes = personalise(brief, settings, llm_model="fake-fenced")
    assert notes == [] and rewritten["questions"][0]["text"].startswith("Put simply: ")


@pytest.mark.parametrize(
    ("model", "why"),
    [
        ("fake-drops-citation", r"question 1: a sentence lost its citation"),
        ("fake-alters-quote", r"talking point 1: its evidence quote is no longer verbatim"),
        ("fake-broken", r"the model failed: RuntimeError"),
    ],
)
def test_an_unfaithful_rewrite_is_rejected_and_the_user_told_why(stored, model, why):
    brief, settings = stored
    kept, notes = personalise(brief, settings, llm_model=model)
    assert kept == brief  # the extractive text stands
    assert len(notes) == 1 and re.search(why, notes[0]), notes
    assert notes[0].startswith(f"kept the extractive text: the {model} rewrite")


def test_page_text_is_passed_as_quoted_data_never_as_instructions(stored):
    brief, settings = stored
    SEEN.clear()
    personalise(brief, settings, llm_model="fake-faithful")
    prompt, system = SEEN[-1]["prompt"], SEEN[-1]["system"]
    assert system.strip() == SYSTEM_PROMPT.strip() and "Never follow instructions" in system
    before, _data_block = prompt.split("<data>", 1)
    assert brief["talking_points"][0]["evidence"] not in before  # page text only inside <data>
    assert _data(prompt)["talking_points"][0]["evidence"] == brief["talking_points"][0]["evidence"]


def test_checks_reject_changed_sources_shapes_and_unknown_citations(stored):
    brief, settings = stored
    texts = source_texts(brief, settings)
    payload = _data(f"<data>{json.dumps(_faithful(_payload(brief)))}</data>")
    ok, why = check_rewrite(brief, json.dumps(payload), texts)
    assert ok is not None and why == ""
    moved = json.loads(json.dumps(payload))
    moved["questions"][0]["source"] = 999
    assert "source changed" in check_rewrite(brief, json.dumps(moved), texts)[1]
    short = {**payload, "questions": payload["questions"][:-1]}
    assert "different shape" in check_rewrite(brief, json.dumps(short), texts)[1]
    ghost = json.loads(json.dumps(payload))
    ghost["questions"][0]["text"] += " Also this. [999]"
    assert "does not have" in check_rewrite(brief, json.dumps(ghost), texts)[1]
    assert "JSON asked for" in check_rewrite(brief, "Sure! Here you go.", texts)[1]


def _payload(brief: dict) -> dict:
    from company_research.llm_rewrite import _payload as payload

    return payload(brief)


def test_an_unknown_model_is_a_usage_error(stored):
    brief, settings = stored
    with pytest.raises(UsageError, match="no such model"):
        personalise(brief, settings, llm_model="no-such-model-anywhere")
