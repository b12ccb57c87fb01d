//! The cheapest process: what starting any binary costs on this machine.
fn main() {
    println!("hello");
}
