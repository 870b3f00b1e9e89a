package handlers

// QueueLimit is how many PIREPs the review queue shows at once.
const QueueLimit = queueLimit
