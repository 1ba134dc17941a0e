"""Question stage: takes the question text (and earlier turns), gives one analysed `Question`."""

from newsqa.question.analysis import Claim, Question, QuestionAnalyser, analyse_question
from newsqa.question.claims import QuestionPart, QuestionPlan
from newsqa.question.followup import FollowUp, Turn, resolve_followup, with_focus

__all__ = [
    "Claim",
    "FollowUp",
    "Question",
    "QuestionAnalyser",
    "QuestionPart",
    "QuestionPlan",
    "Turn",
    "analyse_question",
    "resolve_followup",
    "with_focus",
]
