"""The knowledge ids runform's Python relies on, and what each must be.

Everything else about a defect or an exercise lives in the data; these few ids are read
by the planner (a runner who does no speed work, measured cadence and step length, the
advice to let things be, overstriding, a short stride and the advice to raise the cadence
for the arithmetic of what the work is worth). `kb check` requires each with its kind, so
renaming one in the YAML is a refused knowledge base, not a program that silently loses a
feature.
"""

from __future__ import annotations

NO_SPEED_WORK = "no_speed_work"  # observation, yes/no: the week gets no speed session
CADENCE_SPM = "cadence_spm"  # observation, number (steps a minute)
STRIDE_LENGTH_M = "stride_length_m"  # observation, number (metres)
OVERSTRIDING = "overstriding"  # defect
SHORT_STRIDE = "short_stride"  # defect
LET_IT_BE = "let_it_be"  # prescription (advice): no cues, no gains sold
CADENCE_RETRAINING = "cadence_retraining"  # prescription (advice): the worth offers the rise

# The observation ids answers files may rely on (the README's core vocabulary): a
# knowledge base may add more, never lose one.
CORE_OBSERVATIONS = (
    "short_stride", "heel_strike", "long_ground_contact", "no_pace_changes", "seated_posture",
    "lack_of_power", "rigid_arms", "tension", "tight_hip_flexors", "hip_rotation_pushoff",
    "sedentary_job", "tight_calves", "tight_hamstrings", "tight_quads",
    "single_leg_squat_wobble", "plank_hold_s", "side_plank_hold_s", "calf_raise_reps",
    "coordination_difficulty", "trying_many_cues", "no_progress", "cadence_spm",
    "ground_contact_ms", "stride_length_m", "pain_sharp", "pain_worsens_running", "swelling",
    "numbness", "recent_injury",
)  # fmt: skip

# namespace -> id -> what it must be (an observation's kind; None: any)
REQUIRED: dict[str, dict[str, str | None]] = {
    "observation": {
        **dict.fromkeys(CORE_OBSERVATIONS),
        NO_SPEED_WORK: "yesno",
        CADENCE_SPM: "number",
        STRIDE_LENGTH_M: "number",
    },
    "defect": {OVERSTRIDING: None, SHORT_STRIDE: None},
    "prescription": {LET_IT_BE: None, CADENCE_RETRAINING: None},
}
