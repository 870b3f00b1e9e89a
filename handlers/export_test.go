package handlers

// QueueLimit is how many PIREPs a page of the review queue shows.
const QueueLimit = listPageSize
