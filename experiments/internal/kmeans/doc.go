// Package kmeans clusters points with k-means and scores a clustering
// against true labels; the auto-encoder experiment uses it to ask how well
// the codes, and the raw pixels, separate the ten digits without labels.
//
// # Algorithm
//
// Fit minimises the inertia, the sum of squared distances of the points to
// the centroid of their cluster,
//
//	J = Σᵢ ‖xᵢ − μ_{c(i)}‖²,
//
// by Lloyd's iterations: assign every point to its nearest centroid (the
// lowest index on ties), then move every centroid to the mean of its points,
// until no assignment changes or MaxIter iterations. Each half-step can only
// lower J, so the iterations stop, at a local minimum that depends on the
// start.
//
// The start is k-means++ (D. Arthur and S. Vassilvitskii, "k-means++: The
// Advantages of Careful Seeding", SODA 2007): the first centroid is a point
// drawn uniformly, and each next one a point drawn with probability
// proportional to D(x)², its squared distance to the nearest centroid
// chosen so far. Restarts runs the whole thing several times and keeps the
// lowest inertia, as scikit-learn's n_init. A cluster left empty by an
// assignment takes the point farthest from its centroid, as in
// scikit-learn, so that Fit always returns k non-empty clusters when the
// points hold k distinct values.
//
// Every random draw comes from the *rand.Rand passed in: the same seed gives
// the same clustering.
//
// # Scores
//
// Purity and NMI compare a clustering with the true classes. Purity gives
// each cluster its majority class and counts the points that have it. NMI,
// the normalised mutual information, is the mutual information of the two
// labelings divided by the arithmetic mean of their entropies (scikit-learn's
// default, and the definition of Manning, Raghavan and Schütze's
// Introduction to Information Retrieval, §16.3): 1 for the same partition
// under any names, 0 for independent labelings. Unlike purity, NMI does not
// grow by splitting clusters.
package kmeans
