"""Chat commands on a filed order: change, cancel, pause, message, history, questions and answers."""
