"""A travel agent booking system: nothing to do with language models."""


class Agent:
    def __init__(self, name: str) -> None:
        self.name = name


class Transformer:
    """Transforms booking records (a data transformer, not a model)."""

    def transform(self, record: dict) -> dict:
        return record


def book(agent: Agent, together: bool = False) -> str:
    command = "replicate-booking"
    return Agent("sonar").name + command + str(together)
