"""Rasa's LogisticRegressionClassifier, made quicker to parse and to train.

- Parse: scikit-learn multiplies a message by `coef_.T`; with `coef_` in row-major order SciPy
  first copies all of it (26 intents x 60,000 features, 12 MB) on every message, which was half
  the time a parse took (bench/chatbot.py). In column-major order the transpose needs no copy.
- Train: Rasa's version builds the feature matrix one message at a time, joining each to an
  empty dense part, and then classifies every training example again for components after it
  that would learn from the predictions, which none of ours does. Here the sparse rows are
  stacked once, and that second pass is skipped. The solver stops
  at `max_iter` (config.yml) on purpose, so its "failed to converge" warning is not shown."""

import warnings
from typing import List

import numpy as np
import scipy.sparse
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.nlu.classifiers.logistic_regression_classifier import LogisticRegressionClassifier
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True
)
class IntentClassifier(LogisticRegressionClassifier):
    def _create_X(self, messages: List[Message]) -> scipy.sparse.csr_matrix:
        if any(m.get_dense_features(attribute=TEXT)[1] is not None for m in messages):
            return super()._create_X(messages)  # not this project's pipeline
        # Second element: the sentence features (the first are per token).
        rows = [m.get_sparse_features(attribute=TEXT)[1].features for m in messages]
        return scipy.sparse.vstack(rows, format="csr")

    def process(self, messages: List[Message]) -> List[Message]:
        coef = getattr(self.clf, "coef_", None)
        if coef is not None and not coef.flags.f_contiguous:
            self.clf.coef_ = np.asfortranarray(coef)
        return super().process(messages)

    def train(self, training_data: TrainingData) -> Resource:
        from sklearn.exceptions import ConvergenceWarning

        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            return super().train(training_data)

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data
