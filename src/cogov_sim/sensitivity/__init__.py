"""Global sensitivity analysis (Sobol, Morris, eFAST, PAWN) of the model or any callable."""

from .analysis import SAResult, analyze_function, run_pipeline
from .problem import Problem, SensitivityError, function_problem, model_problem

__all__ = ["Problem", "SAResult", "SensitivityError", "analyze_function", "function_problem",
           "model_problem", "run_pipeline"]
