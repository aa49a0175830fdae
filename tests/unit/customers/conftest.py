"""Hand-written feedback tables shared by the customers NLP tests."""

from __future__ import annotations

import pytest
from tests.unit.customers.customers_tables import LabelledFeedback, read_feedback_table


@pytest.fixture(scope="session")
def dev_table() -> list[LabelledFeedback]:
    return read_feedback_table("customers_feedback_dev.tsv")


@pytest.fixture(scope="session")
def holdout_table() -> list[LabelledFeedback]:
    return read_feedback_table("customers_feedback_holdout.tsv")


@pytest.fixture(scope="session")
def train_table() -> list[LabelledFeedback]:
    return read_feedback_table("customers_feedback_train.tsv")
