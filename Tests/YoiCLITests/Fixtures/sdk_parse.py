"""Parses a scripted provider's stream with the provider's official Python SDK.

usage: sdk_parse.py SCHEME BASE_URL
prints {"text": ..., "tool_calls": [{"name": ..., "arguments": {...}}]} as the SDK read them.
"""
import json
import sys

scheme, base = sys.argv[1], sys.argv[2]
text, calls = "", []

if scheme == "anthropic":
    import anthropic

    client = anthropic.Anthropic(api_key="k", base_url=base, max_retries=0)
    with client.messages.stream(model="stub-model", max_tokens=100, messages=[{"role": "user", "content": "hi"}]) as stream:
        message = stream.get_final_message()
    text = "".join(block.text for block in message.content if block.type == "text")
    calls = [{"name": b.name, "arguments": b.input} for b in message.content if b.type == "tool_use"]
elif scheme == "openai_chat":
    import openai

    client = openai.OpenAI(api_key="k", base_url=base, max_retries=0)
    with client.chat.completions.stream(model="stub-model", messages=[{"role": "user", "content": "hi"}]) as stream:
        completion = stream.get_final_completion()
    message = completion.choices[0].message
    text = message.content or ""
    calls = [{"name": c.function.name, "arguments": json.loads(c.function.arguments)} for c in message.tool_calls or []]
elif scheme == "openai_responses":
    import openai

    client = openai.OpenAI(api_key="k", base_url=base, max_retries=0)
    with client.responses.stream(model="stub-model", input="hi") as stream:
        response = stream.get_final_response()
    text = response.output_text
    calls = [{"name": i.name, "arguments": json.loads(i.arguments)} for i in response.output if i.type == "function_call"]
elif scheme == "gemini":
    from google import genai
    from google.genai import types

    client = genai.Client(api_key="k", http_options=types.HttpOptions(base_url=base, api_version="v1beta"))
    for chunk in client.models.generate_content_stream(model="stub-model", contents="hi"):
        for candidate in chunk.candidates or []:
            for part in (candidate.content.parts if candidate.content else None) or []:
                if part.text:
                    text += part.text
                if part.function_call:
                    calls.append({"name": part.function_call.name, "arguments": dict(part.function_call.args or {})})

print(json.dumps({"text": text, "tool_calls": calls}, sort_keys=True, ensure_ascii=False))
