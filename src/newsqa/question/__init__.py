"""Question stage: takes the question text (and earlier turns), gives one analysed `Question`."""

from newsqa.question.analysis import (
    QUESTION_FRAME,
    Claim,
    Question,
    QuestionAnalyser,
    analyse_question,
)
from newsqa.question.claims import QuestionPart, QuestionPlan
from newsqa.question.followup import FollowUp, Turn, resolve_followup, with_focus
from newsqa.question.yes_no import ReportSide, TimeOrder, YesNo

__all__ = [
    "QUESTION_FRAME",
    "Claim",
    "FollowUp",
    "Question",
    "QuestionAnalyser",
    "QuestionPart",
    "QuestionPlan",
    "ReportSide",
    "TimeOrder",
    "Turn",
    "YesNo",
    "analyse_question",
    "resolve_followup",
    "with_focus",
]
