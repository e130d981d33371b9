"""Answer profiles shared by several test modules."""

# The health screen answered, every question a no: without it only gentle work is kept.
SCREEN_CLEAR = {
    obs: "no"
    for obs in (
        "pain_sharp",
        "pain_worsens_running",
        "swelling",
        "numbness",
        "recent_injury",
        "heart_condition",
        "chest_pain",
        "dizziness_fainting",
        "bone_joint_problem",
        "supervised_exercise_only",
    )
}
