"""The intent classifier: word and character n-gram counts and a logistic regression, in one
component.

The same model as Rasa's CountVectorsFeaturizer (twice) and LogisticRegressionClassifier, built
for the one thing it does:
- Rasa's featurizer builds a matrix per token as well as one per sentence for every message,
  and `rasa train` then fingerprints all of them for its cache. On 30,000 examples that was half
  of the training time (bench/chatbot.py); the linear model reads only the sentence counts,
  which scikit-learn counts for all messages at once.
- A message's score per intent is the sum of the weight rows of its words and n-grams: no
  vectorizer or sparse matrix is set up per message.
- The model is saved as vocabularies (JSON) and weights (NumPy), not pickles, and loads as
  plain data.
The solver stops at `max_iter` (config.yml) on purpose, so its "failed to converge" warning is
not shown."""

import json
import re
import warnings
from typing import Any, Dict, List, Optional, Text

import numpy as np
import scipy.sparse
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier as RasaIntentClassifier
from rasa.shared.nlu.constants import INTENT, INTENT_NAME_KEY, PREDICTED_CONFIDENCE_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from sklearn.feature_extraction.text import CountVectorizer

INTENT_RANKING = "intent_ranking"
# Punctuation, emoji and the like at either end of a word ("hjälp!", "¿qué", "ምንድን፧").
_EDGES = re.compile(r"^\W+|\W+$")


def words_of(text: str) -> List[str]:
    """Lower-case words without the punctuation around them; "136 40" stays two words."""
    words = (_EDGES.sub("", word) for word in text.lower().split())
    return [word for word in words if word]


def _joined_words(text: str) -> str:
    return " ".join(words_of(text))


@DefaultV1Recipe.register(
    DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=True
)
class IntentClassifier(GraphComponent, RasaIntentClassifier):
    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {
            "word_features": 20000,  # the most frequent words
            "char_min_ngram": 2,  # character n-grams inside words, padded with a space
            "char_max_ngram": 4,
            "char_features": 40000,
            "max_iter": 100,
            "random_state": 7,
            "ranking_length": 10,
        }

    @staticmethod
    def required_packages() -> List[Text]:
        return ["sklearn"]

    def __init__(self, config: Dict[Text, Any], model_storage: ModelStorage,
                 resource: Resource) -> None:
        self.config = {**self.get_default_config(), **config}
        self._model_storage = model_storage
        self._resource = resource
        self.intents: List[str] = []
        self.weights: Optional[np.ndarray] = None  # features x intents
        self.bias: Optional[np.ndarray] = None
        self.vectorizers: List[CountVectorizer] = []
        self._analysers: List[Any] = []
        self._columns: List[Dict[str, int]] = []

    @classmethod
    def create(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> "IntentClassifier":
        return cls(config, model_storage, resource)

    # --- features ---------------------------------------------------------------------------

    def _new_vectorizers(self) -> List[CountVectorizer]:
        return [
            CountVectorizer(analyzer=words_of, max_features=self.config["word_features"]),
            CountVectorizer(analyzer="char_wb", preprocessor=_joined_words,
                            ngram_range=(self.config["char_min_ngram"],
                                         self.config["char_max_ngram"]),
                            max_features=self.config["char_features"]),
        ]

    def _use(self, vectorizers: List[CountVectorizer], vocabularies: List[Dict[str, int]]) -> None:
        self.vectorizers = vectorizers
        self._analysers = [v.build_analyzer() for v in vectorizers]
        # Column of each term in the weights: the word columns first, then the n-grams.
        self._columns = []
        offset = 0
        for vocabulary in vocabularies:
            self._columns.append({term: offset + i for term, i in vocabulary.items()})
            offset += len(vocabulary)

    def _scores(self, text: str) -> np.ndarray:
        """The linear model's score per intent: the same sum scikit-learn's vectorizers and
        matrix product give (tests/test_classifier.py), without their per-call set-up, which
        was most of a parse."""
        counts: Dict[int, int] = {}
        for analyse, columns in zip(self._analysers, self._columns):
            for term in analyse(text):
                column = columns.get(term)
                if column is not None:
                    counts[column] = counts.get(column, 0) + 1
        if not counts:
            return self.bias.copy()
        rows = np.fromiter(counts.keys(), dtype=np.intp, count=len(counts))
        values = np.fromiter(counts.values(), dtype=np.float64, count=len(counts))
        return values @ self.weights[rows] + self.bias

    # --- training ---------------------------------------------------------------------------

    def train(self, training_data: TrainingData) -> Resource:
        from sklearn.exceptions import ConvergenceWarning
        from sklearn.linear_model import LogisticRegression

        examples = [e for e in training_data.intent_examples if e.get(INTENT) and e.get(TEXT)]
        if not examples:
            return self._resource
        texts = [e.get(TEXT) for e in examples]
        vectorizers = self._new_vectorizers()
        features = scipy.sparse.hstack([v.fit_transform(texts) for v in vectorizers], format="csr")
        self._use(vectorizers, [v.vocabulary_ for v in vectorizers])
        model = LogisticRegression(max_iter=self.config["max_iter"], class_weight="balanced",
                                   random_state=self.config["random_state"])
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            model.fit(features, [e.get(INTENT) for e in examples])
        self.intents = [str(name) for name in model.classes_]
        coef, bias = model.coef_, model.intercept_
        if len(self.intents) == 2:  # one score z for the second intent: softmax(-z/2, z/2)
            coef, bias = np.vstack([-coef / 2, coef / 2]), np.concatenate([-bias / 2, bias / 2])
        self.weights = np.ascontiguousarray(coef.T)
        self.bias = bias
        self._persist()
        return self._resource

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        return training_data  # nothing after this component learns from its predictions

    # --- parsing ----------------------------------------------------------------------------

    def process(self, messages: List[Message]) -> List[Message]:
        if self.weights is None:
            return messages
        for message in messages:
            self._classify(message)
        return messages

    def _classify(self, message: Message) -> None:
        scores = self._scores(message.get(TEXT) or "")
        probabilities = np.exp(scores - scores.max())
        probabilities /= probabilities.sum()
        order = np.argsort(-probabilities, kind="stable")[: self.config["ranking_length"]]
        ranking = [{INTENT_NAME_KEY: self.intents[i],
                    PREDICTED_CONFIDENCE_KEY: float(probabilities[i])} for i in order]
        message.set(INTENT, ranking[0], add_to_output=True)
        message.set(INTENT_RANKING, ranking, add_to_output=True)

    # --- storage ----------------------------------------------------------------------------

    def _persist(self) -> None:
        with self._model_storage.write_to(self._resource) as directory:
            vocabularies = [sorted(v.vocabulary_, key=v.vocabulary_.get) for v in self.vectorizers]
            (directory / "model.json").write_text(
                json.dumps({"intents": self.intents, "vocabularies": vocabularies},
                           ensure_ascii=False), encoding="utf-8")
            np.save(directory / "weights.npy", self.weights, allow_pickle=False)
            np.save(directory / "bias.npy", self.bias, allow_pickle=False)

    @classmethod
    def load(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
             execution_context: ExecutionContext, **kwargs: Any) -> "IntentClassifier":
        component = cls(config, model_storage, resource)
        try:
            with model_storage.read_from(resource) as directory:
                stored = json.loads((directory / "model.json").read_text(encoding="utf-8"))
                component.weights = np.load(directory / "weights.npy", allow_pickle=False)
                component.bias = np.load(directory / "bias.npy", allow_pickle=False)
        except ValueError:  # trained without examples: nothing was stored
            return component
        component.intents = stored["intents"]
        # The vectorizers only cut text into terms here; the vocabularies say where each goes.
        vocabularies = [{term: i for i, term in enumerate(terms)} for terms in stored["vocabularies"]]
        component._use(component._new_vectorizers(), vocabularies)
        return component
