"""The explanation as data: the closed sets of codes (`ids`) and the typed, immutable records (`model`).

Sentences are made only by the plugin's printers; tests and `-o json` read these ids and records.
"""
from .ids import Effect, HintKind, Outcome, RuleId, Stage, Verdict, WarningCode
from .model import (AdmissionChainStage, AdmissionRejection, AdmissionStep, Added, Check, DecidedBy, Explanation,
                    Hint, ObjectRef, PolicyCall, PolicyStage, PolicyStep, TemplateCall, TemplateFailure,
                    TemplateStage, WarningNote, WebhookResult, WebhookSelectionStage)

__all__ = ["AdmissionChainStage", "AdmissionRejection", "AdmissionStep", "Added", "Check", "DecidedBy", "Effect",
           "Explanation", "Hint", "HintKind", "ObjectRef", "Outcome", "PolicyCall", "PolicyStage", "PolicyStep",
           "RuleId", "Stage", "TemplateCall", "TemplateFailure", "TemplateStage", "Verdict", "WarningCode",
           "WarningNote", "WebhookResult", "WebhookSelectionStage"]
