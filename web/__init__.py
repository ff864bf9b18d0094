"""The app's HTTP routes beside the Streamlit pages (server.py mounts them): the agents' endpoints, the
read API with its OpenAPI document, and the open-data downloads. Each handler does HTTP only: it reads
the request, calls `core` on a thread, and answers JSON (errors too: {"error": {"code", "message"}})."""
