from openai import OpenAI  # only the tests compare against OpenAI


def test_other():
    assert OpenAI and "gpt-4o"
