"""The interview state machine, driven without a terminal, on the real questionnaires."""

import pytest
from interview_script import LEA, plan

from diagnose.answers import Answers
from diagnose.answers_file import Runner
from diagnose.interview import Interview
from diagnose.interview_session import run_session
from diagnose.knowledge.kinds import RUNNER_FIELDS


@pytest.fixture
def self_check(kb, engine):
    return Interview(kb.questionnaires["self-check"], kb, engine)


def answer(interview, ident, value):
    question = interview.current()
    assert question is not None and question.id == ident, (question and question.id, ident)
    return interview.answer(question, value)


def answer_until(interview, ident, profile):
    while (question := interview.current()) is not None and question.id != ident:
        kind = interview.observation(question).kind
        interview.answer(question, profile.get(question.id, "no" if kind == "yesno" else "u"))
    return question


def test_week_comes_first(self_check):
    assert self_check.current().id == "sessions_per_week"
    assert str(self_check.progress()).startswith("question 1 of about ")


def test_progress_counts_up(self_check):
    before = self_check.progress()
    answer(self_check, "sessions_per_week", "3")
    after = self_check.progress()
    assert after.position == before.position + 1
    assert after.about >= after.position


@pytest.mark.parametrize("questionnaire", ["self-check", "coach-intake"])
def test_a_typical_runner_is_asked_well_under_the_full_list(kb, engine, questionnaire):
    asked = plan(kb, engine, questionnaire, LEA)
    total = len(kb.questionnaires[questionnaire].questions)
    assert len(asked) < total
    assert len({q for q, _ in asked}) == len(asked)  # never the same question twice


def test_follow_up_only_when_it_matters(kb, engine):
    def asked_ids(profile):
        return [q for q, _ in plan(kb, engine, "self-check", profile)]

    calm = asked_ids({**LEA, "tight_hip_flexors": "no", "sedentary_job": "no"})
    desk = asked_ids({**LEA, "tight_hip_flexors": "yes", "sedentary_job": "yes"})
    assert "hip_rotation_pushoff" not in calm
    assert "hip_rotation_pushoff" in desk


def test_prefilled_answers_are_not_asked(kb, engine):
    given = Answers(values={"heel_strike": "yes"}, runner={"sessions_per_week": 4})
    asked = [q for q, _ in plan(kb, engine, "self-check", LEA, given)]
    assert "heel_strike" not in asked and "sessions_per_week" not in asked


def test_bad_input_changes_nothing(self_check):
    question = self_check.current()
    for bad in ("abc", "0", "99", "", "3.5x", "3.5"):
        with pytest.raises(ValueError, match="expected a whole number from 1 to 14"):
            self_check.answer(question, bad)
    assert self_check.current() is question and not self_check.asked


@pytest.mark.parametrize("ident", sorted(RUNNER_FIELDS))
def test_every_week_answer_the_interview_takes_is_a_valid_runner(ident):
    """The interview and the answers file must agree on the week, or a saved interview
    would be refused by `runform diagnose`."""
    field = RUNNER_FIELDS[ident]
    step = 1 if field.whole else 0.5
    value = field.min
    while value <= field.max:
        Runner.model_validate({ident: field.coerce(value)})
        value += step * max(1, (field.max - field.min) // 40)
    Runner.model_validate({ident: field.coerce(field.max)})


def test_unknown_is_kept_and_not_no(kb, engine):
    interview = Interview(kb.questionnaires["self-check"], kb, engine)
    question = answer_until(interview, "heel_strike", LEA)
    interview.answer(question, "u")
    assert interview.values["heel_strike"] == "unknown"
    assert "heel_strike" not in [d.id for d in interview.diagnosis().defects]
    assert interview.current().id != "heel_strike"


def test_back_retracts_what_the_answer_concluded(kb, engine):
    interview = Interview(kb.questionnaires["self-check"], kb, engine)
    question = answer_until(interview, "heel_strike", LEA)
    interview.answer(question, "y")
    assert "heel_strike" in [d.id for d in interview.diagnosis().defects]
    assert interview.back().id == "heel_strike"
    assert "heel_strike" not in interview.values
    assert "heel_strike" not in [d.id for d in interview.diagnosis().defects]
    assert interview.current().id == "heel_strike"


def test_back_at_the_start_does_nothing(self_check):
    assert self_check.back() is None
    assert self_check.current().id == "sessions_per_week"


def test_unknown_week_field_is_not_asked_again(self_check):
    answer(self_check, "sessions_per_week", "u")
    assert self_check.current().id != "sessions_per_week"
    assert "sessions_per_week" not in self_check.runner
    assert self_check.answers().meta["unknown_week"] == ["sessions_per_week"]


class ScriptedPrompter:
    def __init__(self, lines):
        self.lines = list(lines)
        self.said = []
        self.prompts = []

    def ask(self, prompt):
        self.prompts.append(prompt)
        if not self.lines:
            raise EOFError
        return self.lines.pop(0)

    def say(self, text=""):
        self.said.append(text)


def test_session_handles_why_unknown_back_and_bad_input(kb, engine):
    interview = Interview(kb.questionnaires["self-check"], kb, engine)
    first = interview.current()
    script = ["?", "lots", "b", "3", "b", "4"] + [
        line
        for _, line in plan(
            kb, engine, "self-check", LEA, Answers(values={}, runner={"sessions_per_week": 4})
        )
    ]
    saved = []
    prompter = ScriptedPrompter(script)
    diagnosis = run_session(interview, prompter, saved.append)
    text = "\n".join(prompter.said)
    assert f"Why: {' '.join(first.help.split())}"[:60] in " ".join(text.split())
    assert "sizes the program to your week" in text
    assert "Please answer a whole number from 1 to 14 runs" in text
    assert "This is the first question" in text
    assert "Going back" in text
    assert interview.runner["sessions_per_week"] == 4
    assert saved and saved[-1].runner["sessions_per_week"] == 4
    assert diagnosis.defects


def test_session_stops_cleanly_at_end_of_input(kb, engine):
    interview = Interview(kb.questionnaires["self-check"], kb, engine)
    saved = []
    with pytest.raises(EOFError):
        run_session(interview, ScriptedPrompter(["3", "60"]), saved.append)
    assert saved[-1].runner == {"sessions_per_week": 3, "minutes_per_session": 60}


def test_interrupted_at_every_question_resume_restores_every_answer(kb, engine, tmp_path):
    """Save after each answer as the session does; stop after any question; resume."""
    from diagnose.answers import read_answers, write_answers

    script = plan(kb, engine, "self-check", LEA)
    questionnaire = kb.questionnaires["self-check"]
    for cut in range(len(script) + 1):
        path = tmp_path / f"cut{cut}.json"
        first = Interview(questionnaire, kb, engine)
        write_answers(path, first.answers())
        for _ident, line in script[:cut]:
            first.answer(first.current(), line)
            write_answers(path, first.answers())
        resumed = Interview(questionnaire, kb, engine, read_answers(path, kb))
        assert resumed.values == first.values and resumed.runner == first.runner
        assert resumed.asked == first.asked
        rest = script[cut:]
        if rest:
            assert resumed.current().id == rest[0][0]
        for ident, line in rest:
            question = resumed.current()
            assert question.id == ident
            resumed.answer(question, line)
        assert resumed.current() is None


def test_coach_intake_always_asks_its_tests_and_measurements(kb, engine):
    questionnaire = kb.questionnaires["coach-intake"]
    on_record = {q.id for q in questionnaire.questions if q.always and q.ask_when is None}
    assert on_record, "the coach intake marks its tests `always`"
    for profile in (LEA, {"heel_strike": "yes", "plank_hold_s": 10}):
        asked = {q for q, _ in plan(kb, engine, "coach-intake", profile)}
        given = set(profile)
        assert on_record - given <= asked


def test_why_names_what_the_answer_could_still_change(kb, engine):
    interview = Interview(kb.questionnaires["coach-intake"], kb, engine)
    heel = interview.questionnaire.question("heel_strike")
    line, *others = interview.why(heel)
    assert line.startswith("Your answer could still show: ")
    assert "Heel strike (defect)" in line
    interview.values["heel_strike"] = "yes"
    interview._diagnosis = None
    # once concluded, more of the same evidence changes nothing that is shown
    assert "Heel strike (defect)" not in " ".join(interview.why(heel))
    week = interview.questionnaire.question("sessions_per_week")
    assert "sizes the program" in interview.why(week)[0]


def test_a_hand_edited_meta_is_refused_clearly(kb, tmp_path):
    from diagnose.answers import read_answers
    from diagnose.errors import RunformError

    path = tmp_path / "a.json"
    path.write_text('{"answers": {}, "meta": {"asked": 7}}')
    with pytest.raises(RunformError, match=r"meta\.asked: expected a JSON array"):
        read_answers(path, kb)
    path.write_text('{"answers": {}, "meta": {"asked": ["nope", "heel_strike"], "by": "me"}}')
    given = read_answers(path, kb)
    assert given.meta["by"] == "me"
    interview = Interview(kb.questionnaires["self-check"], kb, None, given)
    assert interview.asked == ["heel_strike"]


def test_health_questions_left_unknown_are_asked_once_more_before_the_end(kb, engine):
    """A runner cannot reach a full program while the health screen is open: the
    interview comes back to each unknown health question once, and `back` undoes that."""
    interview = Interview(kb.questionnaires["self-check"], kb, engine)
    first_pass = []
    while (question := interview.current()) is not None and question.id not in first_pass:
        first_pass.append(question.id)
        kind = interview.observation(question).kind
        unknown = question.id in ("chest_pain", "swelling") or kind != "yesno"
        interview.answer(question, "u" if unknown else "n")
    # the second pass: only the two unknown health questions, in questionnaire order
    assert question is not None and question.id == "swelling"
    assert interview.is_recheck(question)
    assert interview.diagnosis().health == "incomplete"
    interview.answer(question, "n")
    assert interview.current().id == "chest_pain"
    interview.back()
    assert interview.values["swelling"] == "unknown" and interview.current().id == "swelling"
    interview.answer(interview.current(), "n")
    interview.answer(interview.current(), "u")  # chest pain: still not known
    assert interview.current() is None
    assert interview.diagnosis().health == "incomplete"
    assert interview.diagnosis().screen_open == ["chest_pain"]
    assert interview.answers().meta["health_rechecked"] == ["swelling", "chest_pain"]


def test_session_says_why_the_health_questions_come_back(kb, engine):
    interview = Interview(kb.questionnaires["self-check"], kb, engine)
    # the runner answers u to numbness, then n when the question comes back
    script = ["u" if q == "numbness" else line for q, line in plan(kb, engine, "self-check", LEA)]
    prompter = ScriptedPrompter([*script, "n"])
    diagnosis = run_session(interview, prompter, lambda answers: None)
    text = "\n".join(prompter.said)
    assert "Before your program: health questions still open" in text
    assert "keeps your program to gentle work" in text
    assert diagnosis.health == "clear" and interview.values["numbness"] == "no"


def test_a_follow_up_an_earlier_answer_settles_is_not_asked_nor_left_open(kb, engine):
    interview = Interview(kb.questionnaires["self-check"], kb, engine)
    interview.values.update(
        {"no_technique_work": "yes", "trying_many_cues": "yes", "pain_sharp": "no"}
    )
    interview._diagnosis = None
    asked_ids = {q.id for q in interview.pending()}
    assert "no_progress" not in asked_ids  # no drills at all: nothing to be stuck in
    assert "no_progress" not in interview.diagnosis().unanswered
    interview.values["no_technique_work"] = "unknown"  # not known: the follow-up comes
    interview._diagnosis = None
    assert "no_progress" in {q.id for q in interview.pending()}
    # no pain at all: none of the pain follow-ups is asked or listed as open
    calm = {o: "no" for o in ("pain_sharp", "pain_worsens_running", "swelling", "numbness")}
    calm.update({"recent_injury": "no", "bone_joint_problem": "no"})
    diagnosis = engine.run(calm, {}, "self-check")
    assert "night_or_rest_pain" not in diagnosis.unanswered
    assert "night_or_rest_pain" in engine.run({}, {}, "self-check").unanswered


@pytest.mark.parametrize(
    "case", ["masters-62-weak-calves", "stuck-many-cues", "beginner-sparse", "weak-hips"]
)
def test_the_progress_estimate_is_honest(kb, engine, case):
    """The first estimate is close to how many questions come, and it ends where it says."""
    from pathlib import Path

    from interview_script import typed

    from diagnose.answers import read_answers

    given = read_answers(Path(__file__).parent.parent / "cases" / f"{case}.json", kb)
    profile = {**given.values, **given.runner}
    interview = Interview(kb.questionnaires[given.questionnaire], kb, engine)
    shown = []
    while (question := interview.current()) is not None:
        shown.append(interview.progress())
        interview.answer(
            question, typed(interview.observation(question).kind, profile.get(question.id))
        )
    total = len(shown)
    assert 0.85 * total <= shown[0].about <= 1.2 * total, (shown[0].about, total)
    assert shown[-1].position == total and shown[-1].about == total


def test_the_runner_s_week_is_defined_once():
    """An interview asks the week with RUNNER_FIELDS; an answers file is read with
    answers.Runner: the same fields, bounds and whole numbers in both."""
    from diagnose.answers_file import Runner
    from diagnose.knowledge.kinds import RUNNER_FIELDS

    for ident, asked in RUNNER_FIELDS.items():
        field = Runner.model_fields[ident]
        whole = int in getattr(field.annotation, "__args__", (field.annotation,))
        assert whole == bool(asked.whole), ident
        for value, accepted in ((asked.min, True), (asked.max, True), (asked.max + 1, False)):
            try:
                Runner.model_validate({ident: value})
            except ValueError:
                assert not accepted, (ident, value)
            else:
                assert accepted, (ident, value)
        if asked.min > 0:
            try:
                Runner.model_validate({ident: asked.min / 2})
            except ValueError:
                pass
            else:
                raise AssertionError((ident, "below the minimum accepted"))


HOPS = ("single_leg_hop_20s", "two_foot_hopping_3min")


@pytest.mark.parametrize(
    "change,asked",
    [
        ({}, True),
        ({"pain_sharp": "yes"}, False),  # a red flag: nobody hops on it
        ({"chest_pain": "unknown"}, False),  # the health screen still open
        ({"plank_hold_s": 20}, False),  # the gate is shut already: the answer cannot matter
        ({"side_to_side_difference": "yes"}, False),
        ({"age_years": 35, "calf_raise_reps": 22}, False),
        ({"single_leg_squat_wobble": 3}, False),
        ({"no_strength_training": "yes"}, False),
    ],
)
def test_the_hop_tests_are_asked_only_when_they_decide_the_gate_to_jumps(kb, engine, change, asked):
    """The last test before jumping work loads the leg: asked only when every other gate
    is passed and nothing hurts."""
    import json
    from pathlib import Path

    runner = json.loads((Path(__file__).parent.parent / "cases" / "power-ready.json").read_text())
    script = {**runner["answers"], **runner["runner"], **change}
    for hop in HOPS:
        script.pop(hop)
    interview = Interview(kb.questionnaires["coach-intake"], kb, engine)
    seen = []
    while (question := interview.current()) is not None and len(seen) < 200:
        seen.append(question.id)
        interview.answer(
            question, script.get(question.id, "yes" if question.id in HOPS else "unknown")
        )
    assert all(hop in seen for hop in HOPS) if asked else not any(hop in seen for hop in HOPS)
    readiness = {f.id for f in interview.diagnosis().readiness}
    assert ("ready_for_plyometrics" in readiness) == asked


@pytest.mark.parametrize("answer,follow_up", [("no", True), ("yes", False)])
def test_a_hop_test_not_passed_is_followed_by_the_pain_question(kb, engine, answer, follow_up):
    """A failed hop test may be pain: the question about pain on hopping comes next, and
    a yes is a red flag."""
    import json
    from pathlib import Path

    runner = json.loads((Path(__file__).parent.parent / "cases" / "power-ready.json").read_text())
    script = {**runner["answers"], **runner["runner"], "single_leg_hop_20s": answer}
    script.pop("two_foot_hopping_3min")
    script["hop_pain"] = "yes"
    interview = Interview(kb.questionnaires["coach-intake"], kb, engine)
    seen = []
    while (question := interview.current()) is not None and len(seen) < 200:
        seen.append(question.id)
        interview.answer(question, script.get(question.id, "unknown"))
    assert ("hop_pain" in seen) == follow_up
    if follow_up:
        assert seen.index("hop_pain") > seen.index("single_leg_hop_20s")
        assert interview.diagnosis().health == "red_flag"
