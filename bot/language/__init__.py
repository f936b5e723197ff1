"""Reading what staff write: forgiving words, answers to questions, status questions, orders in free text."""
