"""Pydantic models generated from contracts/ by `npm run contracts:gen`. Do not edit."""
